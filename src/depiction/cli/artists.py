"""`depiction artists ...`: the artists registry (who is living, who opted in)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from depiction.cli.common import DatabaseOption, fail, reported_errors
from depiction.errors import DepictionError
from depiction.registry.artists import ArtistRecord, ArtistStore

app = typer.Typer(
    help="Manage the artists registry used for style decisions.", no_args_is_help=True
)
RefArgument = Annotated[str, typer.Argument(help="Artist id or slug (e.g. greg-rutkowski).")]


def _store(database_url: str | None) -> ArtistStore:
    with reported_errors():
        return ArtistStore(database_url)


def _line(artist: ArtistRecord) -> str:
    years = f"{artist.born or '?'}–{artist.died or ''}" if artist.kind == "individual" else ""
    status = (
        ("living" if artist.living else "deceased") if artist.kind == "individual" else artist.kind
    )
    opted = ", opted in" if artist.opted_in else ""
    return f"{artist.id}\t{artist.slug}\t{artist.name}\t{status}{opted}\t{years}".rstrip()


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="The artist's name.")],
    kind: Annotated[
        str, typer.Option(help="individual, studio, movement or franchise.")
    ] = "individual",
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Another name (repeatable).")
    ] = None,
    born: Annotated[int | None, typer.Option(help="Birth year.")] = None,
    died: Annotated[int | None, typer.Option(help="Death year.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Add an artist (living unless a death year is given)."""
    with reported_errors():
        typer.echo(
            _line(
                _store(database_url).add(name, kind=kind, aliases=alias or [], born=born, died=died)
            )
        )


@app.command("list")
def list_artists(
    kind: Annotated[str | None, typer.Option(help="Only this kind.", show_default=False)] = None,
    living: Annotated[bool, typer.Option("--living", help="Only living individuals.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """List artists: id, slug, name, status, years."""
    with reported_errors():
        artists = _store(database_url).entries(kind)
    for artist in artists:
        if not living or (artist.kind == "individual" and artist.living):
            typer.echo(_line(artist))


@app.command()
def show(ref: RefArgument, database_url: DatabaseOption = None) -> None:
    """One artist with aliases and source."""
    with reported_errors():
        typer.echo(_store(database_url).get(ref).model_dump_json(indent=2))


@app.command("import")
def import_tsv(
    file: Annotated[
        Path, typer.Argument(help="TSV in the seed format (see data/artists/README.md).")
    ],
    database_url: DatabaseOption = None,
) -> None:
    """Add artists from a TSV file; nothing is added if a row is bad."""
    store = _store(database_url)
    try:
        with file.open(encoding="utf-8") as handle:
            count = store.import_tsv(handle)
    except UnicodeDecodeError:
        fail(f"{file} is not valid UTF-8")
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror or error}")
    except DepictionError as error:
        fail(str(error))
    typer.echo(f"imported {count} artists")


def _set_opt_in(ref: str, opted_in: bool, database_url: str | None) -> None:
    with reported_errors():
        typer.echo(_line(_store(database_url).set_opted_in(ref, opted_in)))


@app.command()
def optin(ref: RefArgument, database_url: DatabaseOption = None) -> None:
    """Record that a living artist allows reproduction of their style."""
    _set_opt_in(ref, True, database_url)


@app.command()
def optout(ref: RefArgument, database_url: DatabaseOption = None) -> None:
    """Withdraw an artist's opt-in."""
    _set_opt_in(ref, False, database_url)
