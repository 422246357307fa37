"""The trained classifier: weights, thresholds and how they were measured.

Two heads per category, read together. Hashed character n-grams read every prompt in
microseconds; where one passes its category's *gate*, the prompt's multilingual sentence
embedding is computed and a second head scores it. The two heads' logits are averaged and the
category fires when that combined probability reaches its threshold. The n-gram heads alone
learn shortcuts of the corpus's wording (a stated age in a harmless sentence, "sexy" in any
edit); the embedding reads meaning; averaging lets a confident head carry a hesitant one,
which finds more harms of writers the model never saw than requiring both to agree
(docs/multilingual.md). The gate only saves time: it is set so that out of fold, nearly every
harm the combined score finds passes it.

``data/models/harm_classifier.npz`` holds the weights (int8, one column per category, with a
scale per column) and ``harm_classifier.json`` everything a reader should see: categories,
gates and thresholds, the corpus digest and the held-out figures. Both are written by
``scripts/train_classifier.py``, deterministically, so ``--check`` can say whether the shipped
files are what the corpus produces.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from depiction.classifier.features import buckets
from depiction.errors import DataError

WINDOW = 160
"""Long prompts are also scored in windows of 160 characters (half overlapping), and each
category keeps its highest score. (Scoring clause by clause as well was tried: it found a few
more held-out harms but doubled over-refusal, since thresholds are set on whole prompts.)"""

_EPSILON = 1e-7
SCORES_CACHE = 64
"""Recent prompts' n-gram scores: the learned and semantic detectors both ask for them."""


class Category(BaseModel):
    """One category: the n-gram head's bias and the gate on its probability at which the
    embedding head (bias) is consulted, and the threshold on the two heads' combined
    probability."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bias: float
    gate: float = Field(gt=0, lt=1)
    confirm_bias: float
    threshold: float = Field(gt=0, lt=1)
    metrics: dict[str, float | int] = Field(default_factory=dict)


class ModelCard(BaseModel):
    """``harm_classifier.json``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bits: int = Field(ge=10, le=24)
    embedding: str
    """The sentence embedding the confirming heads read (package and version)."""
    corpus_sha256: str
    inputs_sha256: str
    """`evaluation.corpus.inputs_sha256` of the corpus the heads were fitted on."""
    training: dict[str, Any]
    categories: dict[str, Category]


def card_path() -> Any:
    return resources.files("depiction") / "data" / "models" / "harm_classifier.json"


def weights_path() -> Any:
    return resources.files("depiction") / "data" / "models" / "harm_classifier.npz"


class HarmClassifier:
    """Scores a normalized prompt per harm category; immutable once loaded, so thread-safe."""

    def __init__(
        self, card: ModelCard, weights: NDArray[np.float32], confirm: NDArray[np.float32]
    ) -> None:
        count = len(card.categories)
        if (
            weights.shape != (1 << card.bits, count)
            or confirm.ndim != 2
            or confirm.shape[1] != count
        ):
            raise DataError(
                f"classifier weights have shapes {weights.shape} and {confirm.shape}, expected "
                f"({1 << card.bits}, {count}) and (dimensions, {count})"
            )
        self.card = card
        self.categories = tuple(card.categories)
        self._weights = weights
        self._bias = np.array([c.bias for c in card.categories.values()], dtype=np.float32)
        self._confirm = confirm
        self._confirm_bias = np.array(
            [c.confirm_bias for c in card.categories.values()], dtype=np.float32
        )
        # float64, like the card: a float32 probability is compared exactly with each gate
        self._gates = np.array([c.gate for c in card.categories.values()], dtype=np.float64)
        self._probabilities = lru_cache(maxsize=SCORES_CACHE)(self._uncached_probabilities)

    @classmethod
    def shared(cls) -> HarmClassifier:
        """The shipped model, loaded once per process (its weights take tens of megabytes)."""
        global _SHARED
        with _SHARED_LOCK:
            if _SHARED is None:
                _SHARED = cls.load()
            return _SHARED

    @classmethod
    def load(cls) -> HarmClassifier:
        """The shipped model; a damaged or mismatched file is a `DataError`."""
        try:
            card = ModelCard.model_validate_json(card_path().read_bytes())
            with np.load(io.BytesIO(weights_path().read_bytes())) as stored:
                quantized, scale = stored["weights"], stored["scale"]
                confirm = stored["confirm"].astype(np.float32)
        except (OSError, ValueError, KeyError, ValidationError) as error:
            raise DataError(f"harm classifier files are invalid: {error}") from error
        return cls(card, quantized.astype(np.float32) * scale.astype(np.float32), confirm)

    def thresholds(self) -> dict[str, float]:
        return {name: c.threshold for name, c in self.card.categories.items()}

    def confirm_scores(self, embedding: NDArray[np.float32]) -> dict[str, float]:
        """Each category's probability from the sentence-embedding heads."""
        logits = embedding @ self._confirm + self._confirm_bias
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        return {name: float(p) for name, p in zip(self.categories, probabilities, strict=True)}

    @staticmethod
    def combined(ngram: Any, confirm: Any) -> Any:
        """The probability whose logit is the mean of the two heads' logits, for numbers or
        arrays alike (training scores the whole corpus with it, the detector one prompt)."""
        ngram = np.clip(ngram, _EPSILON, 1.0 - _EPSILON)
        confirm = np.clip(confirm, _EPSILON, 1.0 - _EPSILON)
        return 1.0 / (1.0 + np.sqrt((1.0 - ngram) / ngram * (1.0 - confirm) / confirm))

    def scores(self, text: str, mode: str) -> dict[str, float]:
        """Each category's probability for the normalized `words` view: the highest over the
        whole text and, for a long prompt, its windows."""
        probabilities = self._probabilities(text, mode)
        return {name: float(p) for name, p in zip(self.categories, probabilities, strict=True)}

    def gated(self, text: str, mode: str) -> list[str]:
        """The categories whose n-gram probability passes their gate: a prompt with any is
        one whose embedding is computed (by the learned detector, shared with the semantic)."""
        passed = self._probabilities(text, mode) >= self._gates
        return [name for name, flagged in zip(self.categories, passed, strict=True) if flagged]

    def _uncached_probabilities(self, text: str, mode: str) -> NDArray[np.float32]:
        logits = self._logits(text, mode)
        if len(text) > WINDOW:
            for start in range(0, len(text) - WINDOW // 2, WINDOW // 2):
                logits = np.maximum(logits, self._logits(text[start : start + WINDOW], mode))
        probabilities = (1.0 / (1.0 + np.exp(-logits))).astype(np.float32, copy=False)
        probabilities.setflags(write=False)  # shared by every caller of the cache
        return probabilities

    def _logits(self, text: str, mode: str) -> NDArray[np.float32]:
        found = buckets(text, mode, self.card.bits)
        summed: NDArray[np.float32] = self._weights[found].sum(axis=0)
        return summed / np.float32(np.sqrt(len(found))) + self._bias


_SHARED: HarmClassifier | None = None
_SHARED_LOCK = threading.Lock()
