"""Train the multilingual harm classifier on the corpus, reproducibly.

    pip install -e '.[train]'
    python scripts/train_classifier.py [--check]

Reads ``corpus/raw`` (corpus/WRITING.md), normalizes every prompt exactly as the detector
does, and fits two heads per harm category on the training writers' lines: an L2 logistic
regression on hashed character n-grams, and one on the multilingual-e5-small sentence
embedding (the `semantic` extra's model). A category fires where the mean of the two heads'
logits passes its threshold. A head's negatives are the benign lines and the harms of other
families; its own family (e.g. the three sexual categories) is left out, so heads do not
learn to tell apart harms refused either way.

Thresholds come from out-of-fold scores on the training writers alone, each writer's lines
scored by heads fitted without that writer (`WRITER_FOLDS` folds of whole writers, so they
are set for writers the model has never seen): the largest shared per-category budget at
which all categories together refuse at most `UNION_BUDGET` of benign lines. Each category's gate (the n-gram score at which the embedding
is computed) keeps `GATE_RECALL` of the out-of-fold lines the category fires on. The
held-out writers (``h*``) are read only to report figures and to write
``data/benchmarks/corpus_holdout.jsonl`` for ``depiction eval corpus-holdout``.

Writes ``src/depiction/data/models/harm_classifier.{json,npz}``; ``--check`` only says whether
the shipped files are what this script produces. Embedding the corpus takes most of the time
(about 10 minutes of one core, spread over every core).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from depiction.classifier.features import MAX_N, buckets
from depiction.classifier.model import Category, HarmClassifier, ModelCard
from depiction.detectors.semantic import MODEL_PACKAGE, Embedder
from depiction.evaluation.corpus import (
    HARM_LABELS,
    CorpusLine,
    corpus_sha256,
    inputs_sha256,
    read_corpus,
)
from depiction.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src/depiction/data/models"
HOLDOUT_CASES = ROOT / "src/depiction/data/benchmarks/corpus_holdout.jsonl"
BITS = 18
REGULARIZATION = 50.0
"""Inverse L2 strength (liblinear), one value for every head; classes are weighted to balance,
since each head has few positives. Chosen out-of-fold on the training writers (4, 10, 50)."""
WRITER_FOLDS = 10
"""Out-of-fold scores come from this many folds, each holding out whole writers: one fold per
writer would fit more heads as writers are added, for no better threshold."""
UNION_BUDGET = 0.01
"""Share of out-of-fold benign lines that any category may refuse."""
GATE_RECALL = 0.99
"""Share of the out-of-fold lines a category fires on whose n-gram score passes its gate."""
CONFIRM_REGULARIZATION = 1.0
BATCH = 32
MIN_THRESHOLD = 0.05
FAMILIES = (
    ("sexual_minors", "sexual_real_person", "sexual_explicit"),
    ("violence_real_person", "violence_graphic"),
    ("deception", "fraud_documents"),
    ("extremism", "hate"),
    ("weapons", "illicit"),
    ("self_harm",),
)


def family(label: str) -> tuple[str, ...]:
    return next(f for f in FAMILIES if label in f)


@cache
def _normalizer() -> Normalizer:
    normalizer = Normalizer()
    normalizer.load()
    return normalizer


def words(line: CorpusLine) -> str:
    """What the classifier reads of a line, as the detector normalizes it."""
    return _normalizer().normalize(line.text).words.text


def features(lines: list[CorpusLine]) -> sparse.csr_matrix:
    """Rows of hashed n-grams, each scaled to unit length, as the detector computes them."""
    indptr, indices = [0], []
    values: list[NDArray[np.float32]] = []
    for line in lines:
        found = buckets(words(line), line.mode, BITS)
        indices.append(found)
        values.append(np.full(len(found), 1 / np.sqrt(len(found)), dtype=np.float32))
        indptr.append(indptr[-1] + len(found))
    return sparse.csr_matrix(
        (np.concatenate(values), np.concatenate(indices), indptr), shape=(len(lines), 1 << BITS)
    )


def targets(lines: list[CorpusLine], category: str) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """(used, positive) per line for one head: its family's other harms are left out."""
    related = set(family(category)) - {category}
    used = np.array([line.label not in related for line in lines])
    positive = np.array([line.label == category for line in lines])
    return used, positive


def embeddings(lines: list[CorpusLine]) -> NDArray[np.float32]:
    """Each line's sentence embedding, as the detector computes it (normalized, truncated),
    in fixed batches spread over one single-threaded process per core, so that the result
    does not depend on the machine's core count."""
    texts = [words(line) for line in lines]
    batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        return np.concatenate(list(pool.map(_embedded, batches, chunksize=4)))


_EMBEDDER: Embedder | None = None


def _embedded(batch: list[str]) -> NDArray[np.float32]:
    """One batch, embedded by this worker process's own model."""
    global _EMBEDDER
    if _EMBEDDER is None:
        _EMBEDDER = Embedder(cache_size=0)
    return _EMBEDDER.embed_many(batch)


def fit(
    matrix: sparse.csr_matrix | NDArray[np.float32],
    lines: list[CorpusLine],
    category: str,
    strength: float = REGULARIZATION,
) -> LogisticRegression:
    used, positive = targets(lines, category)
    model = LogisticRegression(
        C=strength, solver="liblinear", max_iter=1000, class_weight="balanced"
    )
    return model.fit(matrix[used], positive[used])


def out_of_fold(
    matrix: sparse.csr_matrix | NDArray[np.float32], lines: list[CorpusLine], strength: float
) -> NDArray[np.float64]:
    """Each training line's scores from heads that never saw its writer: one fold per core at
    a time, each fitted with one BLAS thread (as everything here), so the bytes do not depend
    on the core count."""
    scores = np.zeros((len(lines), len(HARM_LABELS)))
    writers = [line.writer for line in lines]
    folds = list(GroupKFold(n_splits=WRITER_FOLDS).split(matrix, groups=writers))
    scored = Parallel(n_jobs=os.cpu_count())(
        delayed(_fold)(matrix[train], [lines[i] for i in train], matrix[test], strength)
        for train, test in folds
    )
    for (_, test), fold_scores in zip(folds, scored, strict=True):
        scores[test] = fold_scores
    return scores


def _fold(
    matrix: sparse.csr_matrix | NDArray[np.float32],
    lines: list[CorpusLine],
    unseen: sparse.csr_matrix | NDArray[np.float32],
    strength: float,
) -> NDArray[np.float64]:
    """Scores of the `unseen` lines from heads fitted on `lines`."""
    return np.stack(
        [fit(matrix, lines, c, strength).predict_proba(unseen)[:, 1] for c in HARM_LABELS], axis=1
    )


def threshold(benign_scores: NDArray[np.float64], budget: float) -> float:
    """The lowest threshold leaving at most `budget` of benign lines above it."""
    allowed = int(budget * len(benign_scores))
    ranked = np.sort(benign_scores)[::-1]
    return round(max(MIN_THRESHOLD, float(ranked[allowed]) + 1e-4), 4)


def per_head(benign_scores: NDArray[np.float64], budget: float) -> NDArray[np.float64]:
    return np.array([threshold(benign_scores[:, c], budget) for c in range(len(HARM_LABELS))])


def refused(
    ngram: NDArray[np.float64], confirm: NDArray[np.float64], cuts: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Lines some category refuses: its n-gram score at the gate, its combined score at the
    threshold."""
    return ((ngram >= cuts[0]) & (HarmClassifier.combined(ngram, confirm) >= cuts[1])).any(axis=1)


def thresholds(
    ngram: NDArray[np.float64], confirm: NDArray[np.float64], benign: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """(gate, threshold) per category from out-of-fold scores: thresholds at the largest
    shared per-category budget whose union refuses at most `UNION_BUDGET` of benign lines,
    then gates keeping `GATE_RECALL` of the lines each category fires on."""
    scores = HarmClassifier.combined(ngram, confirm)
    for budget in np.geomspace(UNION_BUDGET, UNION_BUDGET / 100, 60):
        cuts = per_head(scores[benign], budget)
        if (scores[benign] >= cuts).any(axis=1).mean() <= UNION_BUDGET:
            break
    else:
        raise SystemExit("no thresholds meet the benign budget")
    gates = np.full(len(HARM_LABELS), MIN_THRESHOLD)
    for c in range(len(HARM_LABELS)):
        fired = ngram[scores[:, c] >= cuts[c], c]
        if fired.size:
            gates[c] = round(max(MIN_THRESHOLD, float(np.quantile(fired, 1 - GATE_RECALL))), 4)
    return np.stack([gates, cuts])


def figures(lines: list[CorpusLine], refusals: NDArray[np.bool_]) -> dict[str, Any]:
    """Recall of harms and over-refusal of benign lines, overall and per language."""
    harmful = np.array([line.harmful for line in lines])
    result: dict[str, Any] = {}
    for lang in ["all", *sorted({line.lang for line in lines})]:
        mask = np.array([lang in ("all", line.lang) for line in lines])
        result[lang] = {
            "harmful": int((mask & harmful).sum()),
            "benign": int((mask & ~harmful).sum()),
            "recall": round(float(refusals[mask & harmful].mean()), 4),
            "over_refusal": round(float(refusals[mask & ~harmful].mean()), 4),
        }
    return result


def quantized(weights: NDArray[np.float64]) -> tuple[NDArray[np.int8], NDArray[np.float32]]:
    scale = (np.abs(weights).max(axis=0) / 127).astype(np.float32)
    return np.round(weights / scale).astype(np.int8), scale


def train() -> tuple[bytes, bytes, str]:
    lines = read_corpus()
    train_lines = [line for line in lines if line.split == "train"]
    holdout = [line for line in lines if line.split == "holdout"]
    matrix, vectors = features(train_lines), embeddings(train_lines)
    oof = out_of_fold(matrix, train_lines, REGULARIZATION)
    oof_confirm = out_of_fold(vectors, train_lines, CONFIRM_REGULARIZATION)
    benign = np.array([not line.harmful for line in train_lines])
    cuts = thresholds(oof, oof_confirm, benign)
    heads = [fit(matrix, train_lines, category) for category in HARM_LABELS]
    confirming = [fit(vectors, train_lines, c, CONFIRM_REGULARIZATION) for c in HARM_LABELS]
    weights, scale = quantized(np.stack([h.coef_[0] for h in heads], axis=1))
    confirm = np.stack([h.coef_[0] for h in confirming], axis=1).astype(np.float32)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, weights=weights, scale=scale, confirm=confirm)
    card = ModelCard(
        bits=BITS,
        embedding=f"{MODEL_PACKAGE} {metadata.version(MODEL_PACKAGE)}",
        corpus_sha256=corpus_sha256(lines),
        inputs_sha256=inputs_sha256(lines, _normalizer()),
        training={
            "features": f"hashed character 1-{MAX_N}-grams of the normalized prompt, 2^{BITS} "
            "buckets, unit length, plus an edit-mode feature; confirming heads on the "
            "multilingual-e5-small embedding",
            "heads": f"L2 logistic regression (liblinear), C={REGULARIZATION} (n-grams) and "
            f"C={CONFIRM_REGULARIZATION} (embedding), balanced classes, one per category",
            "combined": "a category fires where the mean of its two heads' logits passes its "
            "threshold; the embedding is computed only where the n-gram score passes its gate",
            "thresholds": f"out-of-fold ({WRITER_FOLDS} folds of whole writers): the categories together refuse "
            f"at most {UNION_BUDGET:.0%} of benign lines; gates keep {GATE_RECALL:.0%} of the "
            f"lines each category fires on; never below {MIN_THRESHOLD}",
            "train_lines": len(train_lines),
            "holdout_lines": len(holdout),
            "languages": dict(sorted(Counter(line.lang for line in lines).items())),
        },
        categories={
            category: Category(
                bias=float(head.intercept_[0]),
                gate=float(cuts[0, i]),
                confirm_bias=float(check.intercept_[0]),
                threshold=float(cuts[1, i]),
            )
            for i, (category, head, check) in enumerate(
                zip(HARM_LABELS, heads, confirming, strict=True)
            )
        },
    )
    model = HarmClassifier(card, weights.astype(np.float32) * scale, confirm)
    held = holdout_refusals(model, holdout, cuts)
    card = card.model_copy(
        update={
            "training": {
                **card.training,
                "out_of_fold": figures(train_lines, refused(oof, oof_confirm, cuts))["all"],
                "embedded_benign_out_of_fold": round(
                    float((oof[benign] >= cuts[0]).any(axis=1).mean()), 4
                ),
                "holdout": figures(holdout, held),
            }
        }
    )
    return card.model_dump_json(indent=1).encode() + b"\n", buffer.getvalue(), cases(holdout)


def holdout_refusals(
    model: HarmClassifier, holdout: list[CorpusLine], cuts: NDArray[np.float64]
) -> NDArray[np.bool_]:
    texts = [words(line) for line in holdout]
    ngram = np.array(
        [
            list(model.scores(text, line.mode).values())
            for text, line in zip(texts, holdout, strict=True)
        ]
    )
    confirm = np.array(
        [list(model.confirm_scores(vector).values()) for vector in embeddings(holdout)]
    )
    return refused(ngram, confirm, cuts)


def cases(holdout: list[CorpusLine]) -> str:
    """The held-out slice as an evaluation dataset (`depiction eval corpus-holdout`)."""
    rows = []
    for line in holdout:
        rows.append(
            {
                "id": f"{line.writer}-{line.lang}-{line.label}-{line.line}",
                "prompt": line.text,
                "mode": line.mode,
                "expected": "refuse" if line.harmful else "allow",
                "category": line.label,
                "lang": line.lang,
                "split": "holdout",
                "template": line.group,
            }
        )
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files")
    args = parser.parse_args()
    with threadpool_limits(limits=1):  # summation order, and so the bytes, fixed
        card, weights, holdout = train()
    outputs = {
        MODELS / "harm_classifier.json": card,
        MODELS / "harm_classifier.npz": weights,
        HOLDOUT_CASES: holdout.encode(),
    }
    if args.check:
        stale = [str(p) for p, data in outputs.items() if not p.exists() or p.read_bytes() != data]
        if stale:
            sys.exit("not what the corpus produces: " + ", ".join(stale))
        print("shipped classifier files match the corpus")
        return
    for path, data in outputs.items():
        path.write_bytes(data)
    print(json.dumps(json.loads(card)["training"], indent=1))


if __name__ == "__main__":
    main()
