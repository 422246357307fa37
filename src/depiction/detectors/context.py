"""Legitimate-purpose contexts (history, education, news, art, medicine, satire, fiction)."""

from depiction.detectors.lexicon import LexiconDetector


class ContextDetector(LexiconDetector):
    name = "context"
    signals = (
        "context.education",
        "context.history",
        "context.news",
        "context.art",
        "context.medical",
        "context.satire",
        "context.fiction",
        "illustration",
    )
