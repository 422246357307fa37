"""Options and error handling shared by the CLI commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from depiction.engine import Engine
from depiction.errors import DepictionError
from depiction.policy import default_policy_path
from depiction.registry.config import DATABASE_URL_ENV

COLOURS = {"allow": typer.colors.GREEN, "revise": typer.colors.YELLOW, "refuse": typer.colors.RED}

PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        envvar="DEPICTION_POLICY",
        help="Policy file (default: the shipped default policy).",
        show_default=False,
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar=DATABASE_URL_ENV,
        help="Registry database URL (default: SQLite in the user data directory).",
        show_default=False,
    ),
]
EngineOption = Annotated[
    str, typer.Option("--engine", help="Where to run: local (processes) or dask (a cluster).")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Address of a running Dask scheduler (default: start a local cluster).",
        show_default=False,
    ),
]


def fail(message: str) -> NoReturn:
    """One line on stderr and exit code 2: the contract for every bad input."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(2)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn any depiction error raised inside into the one-line error and exit code 2."""
    try:
        yield
    except DepictionError as error:
        fail(str(error))


def open_engine(policy: Path | None, database_url: str | None) -> Engine:
    with reported_errors():
        return Engine.from_policy(policy or default_policy_path(), database_url=database_url)
