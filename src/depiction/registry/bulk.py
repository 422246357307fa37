"""Bulk import of opt-out entries: validate every row first, then insert fast.

A million people must import in under a minute, so rows are validated (and their matcher
forms computed) in worker processes when the file is large, and inserted with plain DB-API
`executemany` in batches rather than through the ORM, whose per-row work costs ten times more.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any, NamedTuple, TextIO

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError

from depiction.errors import RegistryError
from depiction.normalize import Normalizer
from depiction.registry.models import Person, utcnow
from depiction.registry.names import forms

CSV_COLUMNS = ["name", "aliases", "note"]
MAX_NAME_CHARS = 200
BATCH = 20_000
PARALLEL_ROWS = 50_000
_ID_ATTEMPTS = 5


class Name(NamedTuple):
    """A validated name with its matcher forms, computed once (a tuple: cheap to pickle)."""

    text: str
    forms: list[str]

    @property
    def key(self) -> str:
        return self.forms[0]

    def alias_row(self) -> dict[str, str]:
        return {"name": self.text, "key": self.key, "forms": "|".join(self.forms)}


Row = tuple[list[Name], str]
"""The names of one person (display name first) and the note."""


def validated_names(normalizer: Normalizer, name: str, aliases: Iterable[str]) -> list[Name]:
    """Clean and check a display name and its aliases; duplicates among them are dropped."""
    names: list[Name] = []
    for raw in (name, *aliases):
        clean = " ".join(raw.split())
        if not clean:
            if raw is name:
                raise RegistryError("name is empty")
            continue
        if len(clean) > MAX_NAME_CHARS:
            raise RegistryError(f"name '{clean[:40]}…' is longer than {MAX_NAME_CHARS} characters")
        variant_forms = forms(normalizer, clean)
        if not variant_forms:
            raise RegistryError(f"name '{clean}' has no letters to match on")
        if all(n.key != variant_forms[0] for n in names):
            names.append(Name(clean, variant_forms))
    return names


def parse_csv(handle: TextIO) -> tuple[list[tuple[int, Row]], list[tuple[int, str]]]:
    """Valid rows with their line numbers, and the bad rows' (line, message)."""
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != CSV_COLUMNS:
        raise RegistryError(f"line 1: the header row must be {','.join(CSV_COLUMNS)}")
    rows = [(reader.line_num, row) for row in reader if "".join(row).strip()]
    chunks = [rows[start : start + BATCH] for start in range(0, len(rows), BATCH)]
    if len(rows) >= PARALLEL_ROWS:
        with ProcessPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(_validate_chunk, chunks))
    else:
        results = [_validate_chunk(chunk) for chunk in chunks]
    good: list[tuple[int, Row]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for chunk_good, chunk_errors in results:
        errors.extend(chunk_errors)
        for line, packed, note in chunk_good:
            names = [
                Name(text, joined.split("|"))
                for text, _, joined in (p.partition("\t") for p in packed)
            ]
            if names[0].key in seen:
                errors.append((line, f"duplicate of line {seen[names[0].key]} ('{names[0].text}')"))
            else:
                seen[names[0].key] = line
                good.append((line, (names, note)))
    return good, errors


_worker_normalizer: Normalizer | None = None


def _validate_chunk(
    chunk: Sequence[tuple[int, list[str]]],
) -> tuple[list[tuple[int, list[str], str]], list[tuple[int, str]]]:
    """Runs in a worker process for big files; names come back packed as "text<TAB>forms"
    strings, which pickle far faster than objects."""
    global _worker_normalizer
    if _worker_normalizer is None:
        _worker_normalizer = Normalizer()
    good: list[tuple[int, list[str], str]] = []
    errors: list[tuple[int, str]] = []
    for line, row in chunk:
        if len(row) != len(CSV_COLUMNS):
            errors.append((line, f"expected 3 columns (name,aliases,note), got {len(row)}"))
            continue
        name, aliases, note = row
        try:
            names = validated_names(_worker_normalizer, name, aliases.split("|") if aliases else [])
        except RegistryError as error:
            errors.append((line, str(error)))
            continue
        good.append((line, [f"{n.text}\t{'|'.join(n.forms)}" for n in names], note))
    return good, errors


def bulk_insert(engine: Engine, rows: list[Row], actor: str) -> int:
    """Insert in batches, each in one transaction, retried if another writer took its ids."""
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        for attempt in range(_ID_ATTEMPTS):
            try:
                with engine.begin() as connection:
                    _insert_batch(connection, batch, actor)
                break
            except IntegrityError as error:
                if attempt == _ID_ATTEMPTS - 1:
                    raise RegistryError(
                        f"import kept colliding with other writers: {error.orig}"
                    ) from error
    return len(rows)


def _insert_batch(connection: Connection, batch: list[Row], actor: str) -> None:
    """Ids start after the current maximum; if a concurrent writer takes one first, the
    primary key makes the transaction fail and `bulk_insert` retries the batch."""
    first = (connection.scalar(select(func.max(Person.id))) or 0) + 1
    now = utcnow()
    sqlite = connection.dialect.name == "sqlite"
    stamp: datetime | str = now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
    people: list[tuple[Any, ...]] = []
    aliases: list[tuple[Any, ...]] = []
    audit: list[tuple[Any, ...]] = []
    for person_id, (names, note) in enumerate(batch, start=first):
        people.append((person_id, names[0].text, "active", note, "", stamp, stamp, stamp))
        aliases.extend((person_id, n.text, n.key, "|".join(n.forms)) for n in names)
        after = {
            "display_name": names[0].text,
            "aliases": [n.text for n in names[1:]],
            "status": "active",
            "note": note,
        }
        audit.append(
            (person_id, "import", actor, stamp, None, json.dumps(after, ensure_ascii=False))
        )
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    for table, columns, values in (
        (
            "optout_person",
            "id, display_name, status, note, contact, created_at, updated_at, verified_at",
            people,
        ),
        ("optout_alias", "person_id, name, key, forms", aliases),
        ("optout_audit", "person_id, action, actor, at, before, after", audit),
    ):
        marks = ", ".join([mark] * (columns.count(",") + 1))
        connection.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
    if connection.dialect.name == "postgresql":  # keep the id sequence ahead of explicit ids
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('optout_person', 'id'), "
            "(SELECT max(id) FROM optout_person))"
        )
