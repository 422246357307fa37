"""The learned multilingual harm classifier as a detector: one signal per harm category.

Term lists need someone to have foreseen the words; the classifier reads character n-grams
of any language and script, so "photo de Taylor Swift nue" or "12歳の少女のヌード" are scored
like their English twins, in well under a millisecond, on every prompt. Where a category's
n-gram score passes its gate, a head on the prompt's multilingual sentence embedding (the
`semantic` extra's model, sharing the semantic detector's cache) scores it too, so ordinary
prompts never pay for an embedding; where the two heads' combined probability reaches the
category's threshold, ``learned.<category>`` is emitted and the shipped policy refuses on it
alone. Gates and thresholds are chosen out of fold on the training writers and stored in
``data/models/harm_classifier.json``; a policy may move a threshold with
``params: {learned_threshold_<category>: 0.9}``.
"""

from __future__ import annotations

from collections.abc import Mapping

from depiction.classifier.model import HarmClassifier
from depiction.decision import Signal
from depiction.detectors.base import Detector, LoadContext, threshold_params
from depiction.detectors.semantic import MODEL_PACKAGE, Embedder, shared_embedder
from depiction.evaluation.corpus import HARM_LABELS
from depiction.extras import missing_extra
from depiction.normalize import NormalizedText
from depiction.request import Request

PREFIX = "learned."
THRESHOLD_PARAM = "learned_threshold_"


def thresholds_from_params(params: Mapping[str, bool | int | float | str]) -> dict[str, float]:
    """Threshold overrides (category → value) from ``learned_threshold_<category>`` params."""
    return threshold_params(params, THRESHOLD_PARAM, HARM_LABELS, "learned category")


class LearnedDetector(Detector):
    name = "learned"
    version = "1"
    signals = tuple(PREFIX + category for category in HARM_LABELS)
    languages = ("any",)

    def __init__(self) -> None:
        self._model: HarmClassifier | None = None
        self._embedder: Embedder | None = None
        self._thresholds: dict[str, float] = {}

    @classmethod
    def unavailable(cls) -> str | None:
        return missing_extra("semantic", MODEL_PACKAGE)

    @classmethod
    def check_params(cls, params: Mapping[str, bool | int | float | str]) -> None:
        thresholds_from_params(params)

    def load(self, context: LoadContext) -> None:
        self._model = HarmClassifier.shared()
        self._thresholds = self._model.thresholds() | thresholds_from_params(context.params)
        self._embedder = shared_embedder()

    @property
    def model(self) -> HarmClassifier:
        assert self._model is not None, "load() was not called"
        return self._model

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        gated = self.model.gated(text.words.text, request.mode)
        if not gated:
            return []
        scores = self.model.scores(text.words.text, request.mode)
        assert self._embedder is not None
        confirmed = self.model.confirm_scores(self._embedder.embed(text.words.text))
        combined = {c: float(self.model.combined(scores[c], confirmed[c])) for c in gated}
        return [
            Signal(
                kind=PREFIX + category,
                score=round(score, 4),
                source=self.name,
                data={
                    "threshold": self._thresholds[category],
                    "ngram": round(scores[category], 4),
                    "confirm": round(confirmed[category], 4),
                },
            )
            for category, score in combined.items()
            if score >= self._thresholds[category]
        ]
