"""Self-harm: glorifying or instructional phrases, plain mentions, and glamorizing framing."""

from depiction.detectors.lexicon import LexiconDetector


class SelfHarmDetector(LexiconDetector):
    name = "self_harm"
    signals = ("self_harm", "self_harm_act", "glamorizing")
