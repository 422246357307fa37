"""Ingredients of fabricated evidence: photographic or news framing plus an event."""

from depiction.detectors.lexicon import LexiconDetector


class DeceptionDetector(LexiconDetector):
    name = "deception"
    signals = (
        "photoreal",
        "news_framing",
        "fake_evidence",
        "compromising",
        "disaster",
        "election_fraud",
        "real_place",
    )
