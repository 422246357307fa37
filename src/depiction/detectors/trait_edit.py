"""Edits of body size, age, skin tone, ethnic features, hair or disability: allowed by policy."""

from depiction.detectors.lexicon import LexiconDetector


class TraitEditDetector(LexiconDetector):
    name = "trait_edit"
    signals = ("trait_edit",)
