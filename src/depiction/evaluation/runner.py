"""Run a checker over many cases: in this process, in N worker processes, or on Dask."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from depiction.evaluation.baselines import Checker, make_checker
from depiction.evaluation.dataset import Case
from depiction.evaluation.metrics import Prediction

CHUNK = 64
Progress = Callable[[int], None]
"""Called with the number of cases just finished."""

_worker: Checker | None = None
_cached: dict[tuple[str, Path | None], Checker] = {}


def run(
    checker: str,
    cases: list[Case],
    *,
    policy: Path | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> list[Prediction]:
    """Predictions for `cases`, in order. Each worker builds its own checker once; `engine`
    "dask" runs the chunks on a Dask cluster (`scheduler`, or a local one of `workers`)."""
    chunks = [cases[start : start + CHUNK] for start in range(0, len(cases), CHUNK)]
    predictions: list[Prediction] = []
    if engine == "dask":
        return _run_on_dask(checker, chunks, policy, workers, scheduler, progress)
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


def _run_on_dask(
    checker: str,
    chunks: list[list[Case]],
    policy: Path | None,
    workers: int,
    scheduler: str | None,
    progress: Progress | None,
) -> list[Prediction]:
    from depiction.batch.engines import DaskCluster

    by_index: dict[int, list[Prediction]] = {}
    predict = partial(_predict_cached, checker=checker, policy=policy)
    cluster = DaskCluster(workers, scheduler)
    for index, predictions in cluster.map_unordered(predict, list(enumerate(chunks))):
        by_index[index] = predictions
        if progress:
            progress(len(predictions))
    return [prediction for index in range(len(chunks)) for prediction in by_index[index]]


def _predict_cached(
    item: tuple[int, list[Case]], checker: str, policy: Path | None
) -> tuple[int, list[Prediction]]:
    """A chunk on a Dask worker, which keeps one checker per (name, policy) for the run."""
    index, chunk = item
    key = (checker, policy)
    if key not in _cached:
        _cached[key] = make_checker(checker, policy)
    return index, [_cached[key].predict(case) for case in chunk]
