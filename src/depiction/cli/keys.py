"""`depiction keys ...`: API keys for the service (shown once, stored hashed)."""

from __future__ import annotations

from typing import Annotated

import typer

from depiction.cli.common import DatabaseOption, reported_errors
from depiction.registry.keys import SCOPES, KeyStore

app = typer.Typer(help="Manage API keys for `depiction serve`.", no_args_is_help=True)


@app.command()
def create(
    name: Annotated[str, typer.Argument(help="Who or what the key is for.")],
    scope: Annotated[
        list[str], typer.Option("--scope", help=f"One of {', '.join(SCOPES)} (repeatable).")
    ],
    database_url: DatabaseOption = None,
) -> None:
    """Create a key; it is printed once and only its hash is kept."""
    with reported_errors():
        record, key = KeyStore(database_url).create(name, scope)
    typer.echo(f"{record.id}\t{record.name}\t{','.join(record.scopes)}")
    typer.echo(key)


@app.command("list")
def list_keys(database_url: DatabaseOption = None) -> None:
    """Keys: id, name, scopes, status (never the keys themselves)."""
    with reported_errors():
        for record in KeyStore(database_url).entries():
            typer.echo(
                f"{record.id}\t{record.name}\t{','.join(record.scopes)}\t{'revoked' if record.revoked else 'active'}"
            )


@app.command()
def revoke(
    key_id: Annotated[int, typer.Argument(help="Key id.")], database_url: DatabaseOption = None
) -> None:
    """Revoke a key; running services stop accepting it within a second."""
    with reported_errors():
        record = KeyStore(database_url).revoke(key_id)
    typer.echo(f"{record.id}\t{record.name}\trevoked")
