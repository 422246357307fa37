"""A person killed or injured, and extreme gore; fighting and weapons alone are not signals."""

from depiction.detectors.lexicon import LexiconDetector


class ViolenceDetector(LexiconDetector):
    name = "violence"
    signals = ("violence", "violence_graphic")
