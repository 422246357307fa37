"""Self-harm: glorifying or instructional phrases, plain mentions, glamorizing framing, and
help and prevention (which a glamorizing word does not turn into glorification)."""

from depiction.detectors.lexicon import LexiconDetector


class SelfHarmDetector(LexiconDetector):
    name = "self_harm"
    signals = ("self_harm", "self_harm_act", "glamorizing", "self_harm_support")
