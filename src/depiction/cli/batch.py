"""`depiction batch`: score a JSONL or Parquet dataset on a process pool or a Dask cluster."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from depiction.batch import EngineSpec, Source, open_source, run_batch
from depiction.batch.engines import make_backend
from depiction.batch.io import file_format
from depiction.cli.common import (
    DatabaseOption,
    EngineOption,
    PolicyOption,
    SchedulerOption,
    fail,
    reported_errors,
)

DEFAULT_PART_SIZE = 1000


def batch(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="JSONL or Parquet file of prompts.")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Decisions file: .jsonl or .parquet.", show_default=False
        ),
    ],
    engine: EngineOption = "local",
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes (default: one per core).", show_default=False),
    ] = None,
    scheduler: SchedulerOption = None,
    policy: PolicyOption = None,
    database_url: DatabaseOption = None,
    prompt_column: Annotated[str, typer.Option(help="Column holding the prompt.")] = "prompt",
    mode_column: Annotated[
        str, typer.Option(help="Column holding generate or edit (absent: generate).")
    ] = "mode",
    part_size: Annotated[
        int, typer.Option(min=1, help="Rows per part: the unit of work and of resuming.")
    ] = DEFAULT_PART_SIZE,
) -> None:
    """Decide every prompt of a dataset, in input order; an interrupted run resumes from the
    parts it had written (OUTPUT.parts/)."""
    with reported_errors():
        file_format(output, "output")
        if not input_path.is_file():
            fail(f"input file {input_path} does not exist")
        if policy is not None and not policy.is_file():
            fail(f"policy file {policy} does not exist")
        source = open_source(input_path, part_size, prompt_column, mode_column)
        backend = make_backend(engine, workers or os.cpu_count() or 1, scheduler)
        bar = _Bar()
        with bar.progress:
            summary = run_batch(source, output, backend, EngineSpec(policy, database_url), bar)
    counts = ", ".join(f"{action} {n}" for action, n in sorted(summary.actions.items()))
    typer.echo(f"{summary.rows} decisions in {output} ({counts or 'no rows'})", err=True)
    if summary.errors:
        typer.echo(
            f"error: {summary.errors} of {summary.rows} rows could not be checked "
            "(see their 'error' field)",
            err=True,
        )
        raise typer.Exit(1)


class _Bar:
    """A rich progress bar on stderr, counting rows."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("checking", total=None)

    def started(self, source: Source, done_parts: int, done_rows: int) -> None:
        if done_parts:
            self.progress.console.print(
                f"resuming: {done_parts} of {len(source.parts)} parts already written"
            )
        self.progress.update(self.task, total=source.rows, completed=done_rows)

    def advanced(self, rows: int) -> None:
        self.progress.advance(self.task, rows)
