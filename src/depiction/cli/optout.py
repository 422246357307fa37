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
from depiction.registry.faces import FaceTemplate, template_from_photo
from depiction.registry.store import FaceRecord, OptoutStore, PersonRecord

app = typer.Typer(
    help="Manage the opt-out registry of people who asked not to be depicted.", no_args_is_help=True
)

AliasOption = Annotated[
    list[str] | None, typer.Option("--alias", help="Another name (repeatable).", show_default=False)
]
NoteOption = Annotated[str, typer.Option("--note", help="Evidence or context for reviewers.")]
IdArgument = Annotated[int, typer.Argument(help="Registry entry id.")]
FaceOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--face",
        help="A photo showing the person's face alone (repeatable); only its embedding is kept.",
        show_default=False,
    ),
]
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


def _print_face(face: FaceRecord) -> None:
    typer.echo(
        f"  face {face.id}\t{face.model}/{face.model_version}\t"
        f"photo sha256 {face.photo_sha256[:12]}…\t{face.created_at:%Y-%m-%d %H:%M:%S}"
    )


def _face(photo: Path) -> FaceTemplate:
    """The embedding of the one face in a photo file, or the one-line error."""
    try:
        data = photo.read_bytes()
    except OSError as error:
        fail(f"cannot read {photo}: {error.strerror or error}")
    with reported_errors():
        try:
            return template_from_photo(data)
        except DepictionError as error:  # the same error, naming the file
            error.args = (f"{photo}: {error}",)
            raise


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="The person's name.")],
    alias: AliasOption = None,
    note: NoteOption = "",
    face: FaceOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Register a person (admin): active at once, with their face if a photo is given."""
    store = _store(database_url)
    faces = [_face(photo) for photo in face or []]
    with reported_errors():
        person = store.add(name, alias or [], note, actor=_actor(actor), faces=faces)
    _print(person)
    for enrolled in store.faces(person.id):
        _print_face(enrolled)


@app.command("enroll-face")
def enroll_face(
    person_id: IdArgument,
    photo: Annotated[Path, typer.Argument(help="A photo showing the person's face alone.")],
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Enrol a face for an entry: input images showing it are then refused like the name."""
    store = _store(database_url)
    template = _face(photo)
    with reported_errors():
        _print_face(store.enroll_face(person_id, template, actor=_actor(actor)))


@app.command("remove-face")
def remove_face(
    person_id: IdArgument,
    face_id: Annotated[int, typer.Argument(help="Face id, as `optout show` lists it.")],
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Delete one enrolled face of an entry."""
    with reported_errors():
        removed = _store(database_url).remove_face(person_id, face_id, actor=_actor(actor))
    typer.echo(f"removed face {removed.id} of entry {person_id}")


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
    """One entry with its enrolled faces and audit history."""
    store = _store(database_url)
    with reported_errors():
        person, faces, history = (
            store.get(person_id),
            store.faces(person_id),
            store.history(person_id),
        )
    typer.echo(person.model_dump_json(indent=2))
    typer.echo(f"faces: {len(faces)}")
    for face in faces:
        _print_face(face)
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
