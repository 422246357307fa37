"""Extremist organisations, propaganda framing, hate symbols and terror attacks as events."""

from depiction.detectors.lexicon import LexiconDetector


class ExtremismDetector(LexiconDetector):
    name = "extremism"
    signals = ("extremist_group", "propaganda", "hate_symbol", "terror_attack")
