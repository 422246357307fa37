"""`depiction db init`: create the registry database on purpose."""

from __future__ import annotations

import typer

from depiction.cli.common import DatabaseOption, reported_errors
from depiction.registry.database import open_database

app = typer.Typer(help="Create the registry database.", no_args_is_help=True)


@app.command()
def init(database_url: DatabaseOption = None) -> None:
    """Create the registry database (SQLite: owner-only file) or upgrade an existing one."""
    with reported_errors():
        engine = open_database(database_url, create=True)
    typer.echo(f"registry ready: {engine.url.render_as_string(hide_password=True)}")
    engine.dispose()
