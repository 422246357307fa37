"""Where parts are checked: a process pool on this machine, or a Dask cluster.

Both hand each worker a part description, never rows or an engine: the worker reads its rows
from the input and keeps one engine for the whole run (`engine_for`). Scheduling, retries of a
lost worker and data locality are left to the engine that owns them (concurrent.futures, Dask's
distributed scheduler).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import suppress
from functools import partial
from multiprocessing import get_context
from typing import TypeVar

from depiction.batch.io import BatchError, Part, Source
from depiction.batch.runner import Backend, EngineSpec, PartResult, check_part, engine_for
from depiction.errors import DepictionError
from depiction.extras import missing_extra

ENGINES = ("local", "dask")
T = TypeVar("T")
R = TypeVar("R")


class LocalPool:
    """`workers` processes on this machine, each loading its engine once when it starts."""

    name = "local"

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers

    def run(self, parts: list[Part], source: Source, spec: EngineSpec) -> Iterator[PartResult]:
        """Every part on the pool; results as they finish."""
        # spawn, not fork: the parent runs a progress-bar thread, and forking a threaded
        # process can leave a child holding a lock no one will release.
        pool = ProcessPoolExecutor(
            max(1, min(self.workers, len(parts))),
            mp_context=get_context("spawn"),
            initializer=_warm,
            initargs=(spec,),
        )
        try:
            futures = [pool.submit(check_part, part, source, spec) for part in parts]
            for future in as_completed(futures):
                yield future.result()
        finally:
            pool.shutdown(cancel_futures=True)


def _warm(spec: EngineSpec) -> None:
    """Load the engine as the process starts. A failure is left for the first part to raise
    again with its message: an initializer's exception only says the pool broke."""
    with suppress(DepictionError):
        engine_for(spec)


class DaskCluster:
    """A Dask Bag of parts on a `distributed` cluster: the one at `scheduler`, or a
    LocalCluster of `workers` single-threaded worker processes started for this run."""

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        if reason := missing_extra("dask", "dask.bag", "distributed"):
            raise BatchError(f"--engine dask {reason}")
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.scheduler = scheduler

    def run(self, parts: list[Part], source: Source, spec: EngineSpec) -> Iterator[PartResult]:
        """One Bag partition per part; each part's result as it finishes."""
        return self.map_unordered(partial(check_part, source=source, spec=spec), parts)

    def map_unordered(self, function: Callable[[T], R], items: list[T]) -> Iterator[R]:
        """`function` over `items` as a Bag with one item per partition, each result yielded
        as soon as its partition is computed. `function` must be importable by the workers
        and keep what it loads in a module-level cache (as `engine_for` does)."""
        import dask.bag
        from distributed import Client, LocalCluster, as_completed

        cluster = None
        if self.scheduler is None:
            cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,  # shutdown chatter is not the user's business
            )
        client = Client(self.scheduler or cluster)
        try:
            bag = dask.bag.from_sequence(items, partition_size=1).map(function)
            futures = client.compute(bag.to_delayed())
            for future in as_completed(futures):
                yield from future.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def check_engine(engine: str, scheduler: str | None = None) -> None:
    """Reject an engine name, or a scheduler address without Dask, before any work starts."""
    if engine not in ENGINES:
        raise BatchError(f"unknown engine '{engine}' (expected one of: {', '.join(ENGINES)})")
    if scheduler is not None and engine != "dask":
        raise BatchError("--scheduler needs --engine dask")


def make_backend(engine: str, workers: int, scheduler: str | None = None) -> Backend:
    """The backend named on the command line."""
    check_engine(engine, scheduler)
    return DaskCluster(workers, scheduler) if engine == "dask" else LocalPool(workers)
