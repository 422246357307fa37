"""`depiction optout ...`: manage the opt-out registry."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from depiction.cli.common import DatabaseOption, fail, reported_errors
from depiction.errors import DepictionError
from depiction.registry.store import OptoutStore, PersonRecord

app = typer.Typer(
    help="Manage the opt-out registry of people who asked not to be depicted.", no_args_is_help=True
)

AliasOption = Annotated[
    list[str] | None, typer.Option("--alias", help="Another name (repeatable).", show_default=False)
]
NoteOption = Annotated[str, typer.Option("--note", help="Evidence or context for reviewers.")]
IdArgument = Annotated[int, typer.Argument(help="Registry entry id.")]
ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor", help="Who makes the change (default: the OS user).", show_default=False
    ),
]


def _store(database_url: str | None) -> OptoutStore:
    with reported_errors():
        return OptoutStore(database_url)


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


def _print(person: PersonRecord) -> None:
    aliases = f"  aliases: {', '.join(person.aliases)}" if person.aliases else ""
    typer.echo(f"{person.id}\t{person.status}\t{person.display_name}{aliases}")


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="The person's name.")],
    alias: AliasOption = None,
    note: NoteOption = "",
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Register a person (admin): active at once."""
    with reported_errors():
        _print(_store(database_url).add(name, alias or [], note, actor=_actor(actor)))


@app.command()
def request(
    name: Annotated[str, typer.Argument(help="The person's name.")],
    alias: AliasOption = None,
    note: NoteOption = "",
    contact: Annotated[str, typer.Option(help="How to reach the requester.")] = "",
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """File a self-service request: pending until an admin verifies it."""
    with reported_errors():
        person = _store(database_url).add(
            name, alias or [], note, actor=_actor(actor), status="pending", contact=contact
        )
    _print(person)


@app.command()
def verify(
    person_id: IdArgument, actor: ActorOption = None, database_url: DatabaseOption = None
) -> None:
    """Activate a pending request."""
    with reported_errors():
        _print(_store(database_url).verify(person_id, actor=_actor(actor)))


@app.command()
def revoke(
    person_id: IdArgument, actor: ActorOption = None, database_url: DatabaseOption = None
) -> None:
    """Stop blocking a person (withdrawn or rejected)."""
    with reported_errors():
        _print(_store(database_url).revoke(person_id, actor=_actor(actor)))


@app.command("list")
def list_entries(
    status: Annotated[
        str | None, typer.Option(help="pending, active or revoked.", show_default=False)
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """List entries: id, status, name, aliases."""
    with reported_errors():
        people = _store(database_url).entries(status)
    for person in people:
        _print(person)


@app.command()
def show(person_id: IdArgument, database_url: DatabaseOption = None) -> None:
    """One entry with its audit history."""
    store = _store(database_url)
    with reported_errors():
        person, history = store.get(person_id), store.history(person_id)
    typer.echo(person.model_dump_json(indent=2))
    typer.echo("history:")
    for entry in history:
        change = json.dumps({"before": entry.before, "after": entry.after}, ensure_ascii=False)
        typer.echo(f"  {entry.at.isoformat()}  {entry.action:<8} {entry.actor}  {change}")


@app.command("import")
def import_csv(
    file: Annotated[
        Path, typer.Argument(help="CSV with header name,aliases,note (aliases split by |).")
    ],
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Import the good rows, report the bad.")
    ] = False,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Import people from CSV: nothing is imported if a row is bad, unless --skip-bad."""
    store = _store(database_url)
    try:
        with file.open(encoding="utf-8", newline="") as handle:
            result = store.import_csv(handle, actor=_actor(actor), skip_bad=skip_bad)
    except UnicodeDecodeError:
        fail(f"{file} is not valid UTF-8")
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror or error}")
    except DepictionError as error:
        fail(f"{file}: {error}")
    for problem in result.errors:
        typer.echo(f"{file}: {problem}", err=True)
    if result.errors and not skip_bad:
        fail(
            f"{len(result.errors)} bad rows; nothing imported (use --skip-bad to import the good rows)"
        )
    typer.echo(
        f"imported {result.added} people"
        + (f", skipped {len(result.errors)} bad rows" if result.errors else "")
    )


@app.command()
def export(
    status: Annotated[
        str, typer.Option(help="Which entries: pending, active or revoked.")
    ] = "active",
    output: Annotated[
        Path | None, typer.Option(help="Write to this file instead of stdout.", show_default=False)
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Export entries as CSV (name,aliases,note). Registry contents leave only this way."""
    store = _store(database_url)
    with reported_errors():
        if output is None:
            store.export_csv(sys.stdout, status)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                count = store.export_csv(handle, status)
            typer.echo(f"exported {count} people to {output}", err=True)
