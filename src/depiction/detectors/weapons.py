"""Instructional framing, weapons whose construction is dangerous, and illegal drugs."""

from depiction.detectors.lexicon import LexiconDetector


class WeaponsDetector(LexiconDetector):
    name = "weapons"
    signals = ("instructional", "weapon_build", "drug_synthesis")
