"""Run a checker over many cases: in this process, or in N worker processes."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from depiction.evaluation.baselines import Checker, make_checker
from depiction.evaluation.dataset import Case
from depiction.evaluation.metrics import Prediction

CHUNK = 64
Progress = Callable[[int], None]
"""Called with the number of cases just finished."""

_worker: Checker | None = None


def run(
    checker: str,
    cases: list[Case],
    *,
    policy: Path | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[Prediction]:
    """Predictions for `cases`, in order. Each worker builds its own checker once."""
    chunks = [cases[start : start + CHUNK] for start in range(0, len(cases), CHUNK)]
    predictions: list[Prediction] = []
    if workers <= 1:
        local = make_checker(checker, policy)
        for chunk in chunks:
            predictions.extend(local.predict(case) for case in chunk)
            if progress:
                progress(len(chunk))
        return predictions
    with ProcessPoolExecutor(workers, initializer=_start, initargs=(checker, policy)) as pool:
        for done in pool.map(_predict_chunk, chunks):
            predictions.extend(done)
            if progress:
                progress(len(done))
    return predictions


def _start(checker: str, policy: Path | None) -> None:
    global _worker
    _worker = make_checker(checker, policy)


def _predict_chunk(chunk: list[Case]) -> list[Prediction]:
    assert _worker is not None
    return [_worker.predict(case) for case in chunk]
