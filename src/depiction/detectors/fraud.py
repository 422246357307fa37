"""Official documents, banknotes and signatures, and intent to forge them."""

from depiction.detectors.lexicon import LexiconDetector


class FraudDetector(LexiconDetector):
    name = "fraud"
    signals = (
        "official_document",
        "signature",
        "forgery_intent",
        "make_believe",
        "forgery_exposed",
    )
