"""The artists registry: who is an individual, a studio or a movement, and who is living.

Kept up to date with the shipped list (``data/artists/*.tsv``): a new database gets every
row, and an existing one gets the rows a newer release adds or corrects (a death year, new
aliases), keeping the operator's opt-ins and the operator's own artists. Operators add
artists, record opt-ins (a living artist who agrees to have their style reproduced) and
import more rows in the same tab-separated format.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable
from importlib import resources
from typing import TextIO

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from depiction.errors import RegistryError
from depiction.registry.database import open_database
from depiction.registry.models import ARTIST_KINDS, Artist, ArtistAlias, RegistryMeta

SHIPPED_ARTISTS_KEY = "shipped_artists_sha256"
TSV_COLUMNS = ["id", "name", "aliases", "kind", "born", "died", "living_override", "source"]
_SLUG = re.compile(r"[^a-z0-9]+")


class ArtistRecord(BaseModel):
    """An artist as callers see it."""

    model_config = ConfigDict(frozen=True)

    id: int
    slug: str
    name: str
    aliases: list[str]
    kind: str
    born: int | None
    died: int | None
    living: bool
    opted_in: bool
    source: str


class ArtistStore:
    """Reads and edits the artists tables; brings the shipped list in when it changed."""

    def __init__(self, url: str | None = None) -> None:
        self._engine = open_database(url)
        try:
            self._sync_shipped()
        except IntegrityError:
            self._sync_shipped()  # another process added the same new rows first

    def _sync_shipped(self) -> None:
        """Add the shipped rows a database lacks and correct the ones a release changed, once
        per shipped list (its digest is recorded in the registry).

        A stored row is the shipped one if its source is a shipped row's source: an operator's
        own artist under the same slug is left alone, and so is every opt-in."""
        texts = [(source.name, source.read_text("utf-8")) for source in _seed_files()]
        digest = hashlib.sha256("".join(name + text for name, text in texts).encode()).hexdigest()
        with Session(self._engine) as session:
            recorded = session.get(RegistryMeta, SHIPPED_ARTISTS_KEY)
            if recorded is not None and recorded.value == digest:
                return
        shipped = [row for name, text in texts for row in _parse_tsv(name, text)]
        sources = {row.source for row in shipped}
        with Session(self._engine) as session, session.begin():
            session.merge(RegistryMeta(key=SHIPPED_ARTISTS_KEY, value=digest))
            stored = {
                artist.slug: artist
                for artist in session.scalars(select(Artist).options(selectinload(Artist.aliases)))
            }
            for row in shipped:
                have = stored.get(row.slug)
                if have is None:
                    session.add(row)
                elif have.source in sources and _fields(have) != _fields(row):
                    have.name, have.kind, have.born, have.died = (
                        row.name,
                        row.kind,
                        row.born,
                        row.died,
                    )
                    have.living_override, have.source = row.living_override, row.source
                    have.aliases = [ArtistAlias(name=alias.name) for alias in row.aliases]

    def version(self) -> tuple[int, int, int]:
        """Changes whenever an artist is added or opts in or out (cheap to read)."""
        with Session(self._engine) as session:
            row = session.execute(
                select(
                    func.count(Artist.id),
                    func.max(Artist.id),
                    func.count(Artist.id).filter(Artist.opted_in),
                )
            ).one()
            return int(row[0]), int(row[1] or 0), int(row[2])

    def entries(self, kind: str | None = None) -> list[ArtistRecord]:
        if kind is not None and kind not in ARTIST_KINDS:
            raise RegistryError(
                f"unknown kind '{kind}' (expected one of: {', '.join(ARTIST_KINDS)})"
            )
        with Session(self._engine) as session:
            query = select(Artist).options(selectinload(Artist.aliases)).order_by(Artist.id)
            if kind is not None:
                query = query.where(Artist.kind == kind)
            return [_record(artist) for artist in session.scalars(query)]

    def get(self, ref: str) -> ArtistRecord:
        """By numeric id or slug."""
        with Session(self._engine) as session:
            return _record(_find(session, ref))

    def add(
        self,
        name: str,
        *,
        kind: str,
        aliases: Iterable[str] = (),
        born: int | None = None,
        died: int | None = None,
        living: bool | None = None,
        source: str = "added by operator",
    ) -> ArtistRecord:
        row = _validated(name, list(aliases), kind, born, died, living, source, where="")
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            (artist,) = self._insert(session, [row])
            return _record(artist)

    def set_opted_in(self, ref: str, opted_in: bool) -> ArtistRecord:
        """Record that a living artist agreed (or no longer agrees) to style reproduction."""
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            artist = _find(session, ref)
            artist.opted_in = opted_in
            return _record(artist)

    def import_tsv(self, handle: TextIO) -> int:
        """Add every row of a TSV in the seed format; all or nothing."""
        rows = _parse_tsv(getattr(handle, "name", "input"), handle.read())
        with Session(self._engine) as session, session.begin():
            return len(self._insert(session, rows))

    @staticmethod
    def _insert(session: Session, rows: list[Artist]) -> list[Artist]:
        slugs = [row.slug for row in rows]
        taken = set(session.scalars(select(Artist.slug).where(Artist.slug.in_(slugs))))
        if taken or len(set(slugs)) != len(slugs):
            clash = sorted(taken) or sorted({s for s in slugs if slugs.count(s) > 1})
            raise RegistryError(f"artist '{clash[0]}' is already registered")
        session.add_all(rows)
        session.flush()
        return rows


def _fields(artist: Artist) -> tuple[object, ...]:
    """What the shipped list says about an artist (not the operator's opt-in)."""
    aliases = tuple(alias.name for alias in artist.aliases)
    return (artist.name, artist.kind, artist.born, artist.died, artist.living_override, aliases)


def _seed_files() -> list[resources.abc.Traversable]:
    folder = resources.files("depiction") / "data" / "artists"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".tsv")), key=lambda f: f.name)


def _parse_tsv(name: str, text: str) -> list[Artist]:
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    if next(reader, None) != TSV_COLUMNS:
        raise RegistryError(f"{name}: the header row must be {chr(9).join(TSV_COLUMNS)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        where = f"{name} line {line}: "
        if len(row) != len(TSV_COLUMNS):
            raise RegistryError(f"{where}expected {len(TSV_COLUMNS)} columns, got {len(row)}")
        slug, display, aliases, kind, born, died, override, source = row
        living = {"": None, "living": True, "deceased": False}.get(override)
        if override and living is None:
            raise RegistryError(f"{where}living_override must be empty, 'living' or 'deceased'")
        artist = _validated(
            display, aliases.split("|") if aliases else [], kind, _year(born, where), _year(died, where),
            living, source, where,
        )  # fmt: skip
        artist.slug = slug or artist.slug
        rows.append(artist)
    return rows


def _validated(
    name: str,
    aliases: list[str],
    kind: str,
    born: int | None,
    died: int | None,
    living: bool | None,
    source: str,
    where: str,
) -> Artist:
    name = " ".join(name.split())
    if not name:
        raise RegistryError(f"{where}artist name is empty")
    if kind not in ARTIST_KINDS:
        raise RegistryError(
            f"{where}unknown kind '{kind}' (expected one of: {', '.join(ARTIST_KINDS)})"
        )
    if born is not None and died is not None and died < born:
        raise RegistryError(f"{where}died ({died}) before born ({born})")
    slug = _SLUG.sub("-", name.lower()).strip("-") or f"artist-{abs(hash(name))}"
    artist = Artist(
        slug=slug, name=name, kind=kind, born=born, died=died, living_override=living,
        opted_in=False, source=source,
    )  # fmt: skip
    artist.aliases = [ArtistAlias(name=" ".join(a.split())) for a in aliases if a.strip()]
    return artist


def _year(text: str, where: str) -> int | None:
    if not text:
        return None
    if not text.lstrip("-").isdigit():
        raise RegistryError(f"{where}'{text}' is not a year")
    return int(text)


def _find(session: Session, ref: str) -> Artist:
    query = select(Artist).options(selectinload(Artist.aliases))
    query = query.where(Artist.id == int(ref)) if ref.isdigit() else query.where(Artist.slug == ref)
    artist = session.scalars(query).first()
    if artist is None:
        raise RegistryError(f"no artist '{ref}'")
    return artist


def _record(artist: Artist) -> ArtistRecord:
    return ArtistRecord(
        id=artist.id,
        slug=artist.slug,
        name=artist.name,
        aliases=[a.name for a in artist.aliases],
        kind=artist.kind,
        born=artist.born,
        died=artist.died,
        living=artist.living,
        opted_in=artist.opted_in,
        source=artist.source,
    )
