"""Nudity, explicit sex acts, suggestive framing and undress instructions."""

from depiction.detectors.lexicon import LexiconDetector


class SexualDetector(LexiconDetector):
    name = "sexual"
    signals = ("sexual", "sexual_explicit", "suggestive", "undress")
