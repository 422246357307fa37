"""Protected groups, dehumanizing framing and slurs; hate needs the combination."""

from depiction.detectors.lexicon import LexiconDetector


class HateDetector(LexiconDetector):
    name = "hate"
    signals = ("protected_group", "dehumanizing", "slur")
