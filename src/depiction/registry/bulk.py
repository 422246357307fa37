"""Bulk import of opt-out entries: all or nothing, a million people in under a minute.

The import is one transaction that first takes the registry's write lock (SQLite:
`BEGIN IMMEDIATE`; PostgreSQL: a table lock that readers do not wait for), so a bad row or a
crash leaves nothing behind and ids need no retries; other writers wait for it (about half a
minute per million people). Rows are validated — names folded, matcher forms, keys and audit
snapshots computed — in two worker processes when the file is large, while this process
writes the chunks already validated: on two cores, validating and writing overlap. A bad
row stops the writing, the rest is still validated so every bad row is reported, and the
transaction is rolled back unless bad rows are to be skipped.

An import at least as large as the registry (a first load) checks duplicates against the
registry in memory, and on SQLite drops the secondary indexes and builds them again at the
end: sorting once beats millions of random index inserts. Rows go in through DB-API
`executemany`, not the ORM, whose per-row work costs ten times more. Every person gets their
own audit entry, as with `add`.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from itertools import islice, repeat
from typing import Any, NamedTuple, TextIO

from sqlalchemy import Connection, Engine, Index, func, select
from sqlalchemy.orm import Session

from depiction.errors import RegistryError
from depiction.normalize import Normalizer
from depiction.registry import matcher
from depiction.registry.gcpause import paused_gc
from depiction.registry.matcher import alias_keys
from depiction.registry.models import Alias, Base, Person, utcnow
from depiction.registry.names import forms

CSV_COLUMNS = ["name", "aliases", "note"]
MAX_NAME_CHARS = 200
BATCH = 20_000
PARALLEL_ROWS = 50_000
_BROKEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # control characters, lone surrogates
_INDEXED_TABLES = ("optout_person", "optout_alias", "optout_audit")
_INSERTS = (  # constants are literals: binding them a million times costs a second
    "INSERT INTO optout_person (id, display_name, status, note, contact, created_at,"
    " updated_at, verified_at) VALUES ({0}, {0}, 'active', {0}, '', {0}, {0}, {0})",
    "INSERT INTO optout_alias (person_id, name, key, claim, forms, index_keys, index_format)"
    " VALUES ({0}, {0}, {0}, {0}, {0}, {0}, {1})",
    "INSERT INTO optout_audit (person_id, action, actor, at, before, after)"
    " VALUES ({0}, 'import', {0}, {0}, NULL, {0})",
)


class Name(NamedTuple):
    """A validated name with its matcher forms, computed once."""

    text: str
    forms: list[str]

    @property
    def key(self) -> str:
        return self.forms[0]

    def alias_row(self) -> dict[str, Any]:
        return {
            "name": self.text,
            "key": self.key,
            "claim": self.key,
            "forms": "|".join(self.forms),
            "index_keys": alias_keys(self.forms),
            "index_format": matcher.MATCHER_VERSION,
        }


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
        if _BROKEN.search(clean):
            raise RegistryError(f"name {clean[:40]!r} has control characters or broken text")
        variant_forms = forms(normalizer, clean)
        if not variant_forms:
            raise RegistryError(f"name '{clean}' has no letters to match on")
        if all(n.key != variant_forms[0] for n in names):
            names.append(Name(clean, variant_forms))
    return names


class _Valid(NamedTuple):
    """A valid row, as `_unpack` reads it back from a worker."""

    line: int
    note: str
    fields: list[str]  # the audit snapshot (JSON), then name, key, forms of each alias
    keys: list[bytes]  # the matcher keys of each alias

    @property
    def display_name(self) -> str:
        return self.fields[1]

    @property
    def key(self) -> str:
        return self.fields[2]


def import_csv(
    engine: Engine, handle: TextIO, actor: str, skip_bad: bool
) -> tuple[int, list[tuple[int, str]]]:
    """Import `name,aliases,note` rows; returns the number added and the bad rows' (line,
    message). Nothing is added if a row is bad, unless `skip_bad`."""
    errors: list[tuple[int, str]] = []
    # The workers start before the database is opened: they inherit no connection.
    with (
        paused_gc(),
        _validated(_chunks(handle)) as (chunks, validated),
        engine.connect() as connection,
    ):
        transaction = connection.begin()
        writer = _Writer(connection, actor, sum(map(len, chunks)))
        for chunk, (packed, keys, bad) in zip(chunks, validated, strict=True):
            errors.extend(bad)
            accepted = writer.accept(_unpack(chunk, packed, keys), errors)
            if skip_bad or not errors:
                writer.write(accepted)
        if errors and not skip_bad:
            transaction.rollback()
            return 0, errors
        writer.finish()
        transaction.commit()
    return writer.added, errors


_Chunk = list[tuple[int, list[str]]]
"""Up to `BATCH` non-blank CSV rows, with their line numbers."""


def _chunks(handle: TextIO) -> Iterator[_Chunk]:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != CSV_COLUMNS:
        raise RegistryError(f"line 1: the header row must be {','.join(CSV_COLUMNS)}")
    rows = ((reader.line_num, row) for row in reader if "".join(row).strip())
    while chunk := list(islice(rows, BATCH)):
        yield chunk


_Checked = tuple[str, list[bytes], list[tuple[int, str]]]
"""A chunk's valid rows packed into one string (see `_validate_chunk`), the matcher keys of
their aliases in order, and its bad rows."""
_FIELD, _RECORD = "\x1f", "\x1e"


@contextmanager
def _validated(chunks: Iterator[_Chunk]) -> Iterator[tuple[list[_Chunk], Iterator[_Checked]]]:
    """Every chunk, and `_validate_chunk` of each in order. Big files go to two worker
    processes, which start on the first chunks while the rest of the file is read."""
    read: list[_Chunk] = []
    for chunk in chunks:
        read.append(chunk)
        if sum(map(len, read)) >= PARALLEL_ROWS:
            break
    else:
        yield read, map(_validate_chunk, read)
        return

    def reading() -> Iterator[_Chunk]:
        yield from list(read)
        for chunk in chunks:
            read.append(chunk)
            yield chunk

    with ProcessPoolExecutor(max_workers=2, initializer=_exit_with_parent) as pool:
        yield read, pool.map(_validate_chunk, reading())  # reads the whole file first


def _exit_with_parent() -> None:
    """Runs first in each worker: the worker ends as soon as the importing process does. A
    killed import (SIGTERM, SIGKILL) runs no clean-up, and its workers, blocked on a queue
    whose other end their siblings still hold open, would otherwise live on."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not a worker: nothing to follow
        return

    def wait() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=wait, name="exit-with-parent", daemon=True).start()


_worker_normalizer: Normalizer | None = None
_snapshot_json = json.JSONEncoder(ensure_ascii=False).encode


def _validate_chunk(chunk: Sequence[tuple[int, list[str]]]) -> _Checked:
    """Runs in a worker process for big files. Valid rows go back as one string — each
    row's position in the chunk, audit snapshot, and every alias's name, key and forms,
    joined by ASCII unit and record separators — which crosses processes ten times
    faster than as objects. Neither separator can occur: names are split on whitespace,
    which includes both; JSON escapes them; keys and forms are folded names. The aliases'
    matcher keys go as a list of bytes beside it."""
    global _worker_normalizer
    if _worker_normalizer is None:
        _worker_normalizer = Normalizer()
    records: list[str] = []
    keys: list[bytes] = []
    errors: list[tuple[int, str]] = []
    for position, (line, row) in enumerate(chunk):
        if len(row) != len(CSV_COLUMNS):
            errors.append((line, f"expected 3 columns (name,aliases,note), got {len(row)}"))
            continue
        name, aliases, note = row
        try:
            names = validated_names(_worker_normalizer, name, aliases.split("|") if aliases else [])
        except RegistryError as error:
            errors.append((line, str(error)))
            continue
        snapshot = {
            "display_name": names[0].text,
            "aliases": [n.text for n in names[1:]],
            "status": "active",
            "note": note,
        }
        fields = [str(position), _snapshot_json(snapshot)]
        for n in names:
            fields.extend((n.text, n.key, "|".join(n.forms)))
            keys.append(alias_keys(n.forms))
        records.append(_FIELD.join(fields))
    return _RECORD.join(records), keys, errors


def _unpack(chunk: Sequence[tuple[int, list[str]]], packed: str, keys: list[bytes]) -> list[_Valid]:
    """The valid rows of `chunk` from `_validate_chunk`'s string and keys."""
    valid: list[_Valid] = []
    used = 0
    for record in packed.split(_RECORD) if packed else ():
        position, *fields = record.split(_FIELD)
        line, row = chunk[int(position)]
        aliases = len(fields) // 3
        valid.append(_Valid(line, row[2], fields, keys[used : used + aliases]))
        used += aliases
    return valid


class _Writer:
    """Writes validated chunks inside the import's transaction, holding the write lock."""

    def __init__(self, connection: Connection, actor: str, rows: int) -> None:
        self._connection = connection
        self._actor = actor
        self._sqlite = connection.dialect.name == "sqlite"
        write_lock(connection)
        people = connection.scalar(select(func.count()).select_from(Person)) or 0
        self._next_id = (connection.scalar(select(func.max(Person.id))) or 0) + 1
        self._seen: dict[str, int] = {}
        first_load = rows >= max(people, 1)  # the import at least doubles the registry
        # The registry's keys in memory, or None: ask the database chunk by chunk.
        self._taken = registered(connection, None) if first_load else None
        self._reindex = self._sqlite and first_load
        if self._reindex:
            for index in _secondary_indexes():
                index.drop(connection)
        now = utcnow()
        self._stamp: datetime | str = now.strftime("%Y-%m-%d %H:%M:%S.%f") if self._sqlite else now
        self.added = 0

    def accept(self, chunk: list[_Valid], errors: list[tuple[int, str]]) -> list[_Valid]:
        """The rows that are neither repeated in the file nor registered already."""
        taken = self._taken
        if taken is None:
            taken = registered(self._connection, [row.key for row in chunk])
        accepted: list[_Valid] = []
        for row in chunk:
            key = row.key
            if key in self._seen:
                errors.append(
                    (row.line, f"duplicate of line {self._seen[key]} ('{row.display_name}')")
                )
            elif key in taken:
                errors.append(
                    (row.line, f"'{row.display_name}' is already registered (entry {taken[key]})")
                )
            else:
                self._seen[key] = row.line
                accepted.append(row)
        return accepted

    def write(self, chunk: list[_Valid]) -> None:
        stamp, actor = self._stamp, self._actor
        people: list[tuple[Any, ...]] = []
        aliases: list[tuple[Any, ...]] = []
        audit: list[tuple[Any, ...]] = []
        for person_id, (_, note, fields, keys) in enumerate(chunk, start=self._next_id):
            people.append((person_id, fields[1], note, stamp, stamp, stamp))
            aliases.extend(
                zip(
                    repeat(person_id),
                    fields[1::3],
                    fields[2::3],
                    fields[2::3],  # the key is claimed
                    fields[3::3],
                    keys,
                )
            )
            audit.append((person_id, actor, stamp, fields[0]))
        mark = "?" if self._connection.dialect.paramstyle == "qmark" else "%s"
        for statement, rows in zip(_INSERTS, (people, aliases, audit), strict=True):
            if rows:
                self._connection.exec_driver_sql(
                    statement.format(mark, matcher.MATCHER_VERSION), rows
                )
        self._next_id += len(chunk)
        self.added += len(chunk)

    def finish(self) -> None:
        if self._reindex:
            for index in _secondary_indexes():
                index.create(self._connection)
        if not self._sqlite:  # keep the id sequence ahead of the explicit ids
            self._connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('optout_person', 'id'), "
                "(SELECT max(id) FROM optout_person))"
            )


def write_lock(connection: Connection, table: str = "optout_person") -> None:
    """Take the registry's write lock first thing in a transaction, before anything is read,
    so that checking a name is free and claiming it cannot interleave with another writer:
    SQLite `BEGIN IMMEDIATE`; PostgreSQL a lock on `table` that readers do not wait for."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def registered(executor: Connection | Session, keys: list[str] | None) -> dict[str, int]:
    """Which name keys (all, when None) belong to a pending or active entry, and to whom."""
    query = (
        select(Alias.key, Alias.person_id)
        .join(Person, Person.id == Alias.person_id)
        .where(Person.status != "revoked")
    )
    if keys is not None:
        query = query.where(Alias.key.in_(keys))
    return {key: person_id for key, person_id in executor.execute(query)}


def _secondary_indexes() -> list[Index]:
    return [i for name in _INDEXED_TABLES for i in Base.metadata.tables[name].indexes]
