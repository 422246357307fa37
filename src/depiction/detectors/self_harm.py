"""Glorified or instructional self-harm; prevention and awareness wording is not listed."""

from depiction.detectors.lexicon import LexiconDetector


class SelfHarmDetector(LexiconDetector):
    name = "self_harm"
    signals = ("self_harm",)
