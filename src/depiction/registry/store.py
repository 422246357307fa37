"""The opt-out registry store: people who asked not to be depicted, and every change to them.

Every write happens in one transaction together with its audit entry, so the audit log is
complete and consistent even with concurrent writers. The schema is created and upgraded by
Alembic migrations the first time a store opens a database.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from alembic import command
from alembic.config import Config
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, create_engine, event, func, insert, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from depiction.errors import RegistryError
from depiction.normalize import Normalizer
from depiction.registry.config import database_url
from depiction.registry.models import STATUSES, Alias, AuditEntry, Person, utcnow
from depiction.registry.names import forms

CSV_COLUMNS = ["name", "aliases", "note"]
MAX_NAME_CHARS = 200
_BATCH = 5000


class PersonRecord(BaseModel):
    """A registry entry as callers see it."""

    model_config = ConfigDict(frozen=True)

    id: int
    display_name: str
    aliases: list[str]
    status: str
    note: str
    created_at: datetime
    updated_at: datetime
    verified_at: datetime | None


class AuditRecord(BaseModel):
    """One change in the audit log."""

    model_config = ConfigDict(frozen=True)

    id: int
    person_id: int
    action: str
    actor: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows added, and the rows refused with their line numbers."""

    added: int
    errors: list[str]


class OptoutStore:
    """Opens (and migrates) the registry database; all methods are safe to call concurrently."""

    def __init__(self, url: str | None = None, normalizer: Normalizer | None = None) -> None:
        self.url = database_url(url)
        self._normalizer = normalizer or Normalizer()
        self._engine = _open(self.url)

    # ---- reads ------------------------------------------------------------------------
    def version(self) -> int:
        """A number that changes whenever the registry changes (the last audit id)."""
        with self._session() as session:
            return int(session.scalar(select(func.max(AuditEntry.id))) or 0)

    def get(self, person_id: int) -> PersonRecord:
        with self._session() as session:
            return _record(self._find(session, person_id))

    def history(self, person_id: int) -> list[AuditRecord]:
        with self._session() as session:
            self._find(session, person_id)
            entries = session.scalars(
                select(AuditEntry).where(AuditEntry.person_id == person_id).order_by(AuditEntry.id)
            )
            return [AuditRecord.model_validate(e, from_attributes=True) for e in entries]

    def entries(self, status: str | None = None) -> list[PersonRecord]:
        if status is not None and status not in STATUSES:
            raise RegistryError(
                f"unknown status '{status}' (expected one of: {', '.join(STATUSES)})"
            )
        with self._session() as session:
            query = select(Person).options(selectinload(Person.aliases)).order_by(Person.id)
            if status is not None:
                query = query.where(Person.status == status)
            return [_record(p) for p in session.scalars(query)]

    def active_forms(self) -> Iterator[tuple[int, str]]:
        """(person id, "|"-joined forms) of every alias of every active person, streamed."""
        with self._session() as session:
            rows = session.execute(
                select(Alias.person_id, Alias.forms)
                .join(Person, Person.id == Alias.person_id)
                .where(Person.status == "active")
                .execution_options(yield_per=50_000)
            )
            yield from ((person_id, joined) for person_id, joined in rows)

    # ---- writes -----------------------------------------------------------------------
    def add(
        self,
        name: str,
        aliases: Sequence[str] = (),
        note: str = "",
        *,
        actor: str,
        status: str = "active",
        contact: str = "",
    ) -> PersonRecord:
        """Register a person (admin: `active` at once; self-service requests: `pending`)."""
        names = self._validated_names(name, aliases)
        with self._session() as session, session.begin():
            self._refuse_duplicates(session, names)
            person = self._new_person(names, note, status, contact)
            session.add(person)
            session.flush()
            _audit(
                session,
                person.id,
                "add" if status == "active" else "request",
                actor,
                None,
                person.snapshot(),
            )
            return _record(person)

    def verify(self, person_id: int, *, actor: str) -> PersonRecord:
        """A pending request checked by an admin becomes active."""
        return self._set_status(person_id, "active", "verify", actor, allowed_from=("pending",))

    def revoke(self, person_id: int, *, actor: str) -> PersonRecord:
        """Stop blocking a person (their request withdrawn, or rejected)."""
        return self._set_status(
            person_id, "revoked", "revoke", actor, allowed_from=("pending", "active")
        )

    def import_csv(self, handle: TextIO, *, actor: str, skip_bad: bool = False) -> ImportResult:
        """Import `name,aliases,note` rows; all or nothing unless `skip_bad`."""
        parsed, errors = self._parse_csv(handle)
        good = []
        with self._session() as session:
            for start in range(0, len(parsed), _BATCH):
                batch = parsed[start : start + _BATCH]
                taken = self._registered(session, [keys[0] for _, keys, _ in batch])
                for line, keys, row in batch:
                    if keys[0] in taken:
                        errors.append(
                            (line, f"'{row[0][0]}' is already registered (entry {taken[keys[0]]})")
                        )
                    else:
                        good.append(row)
        messages = [f"line {line}: {message}" for line, message in sorted(errors)]
        if errors and not skip_bad:
            return ImportResult(0, messages)
        return ImportResult(self._bulk_add(good, actor), messages)

    def export_csv(self, out: TextIO, status: str | None = "active") -> int:
        """Write entries as CSV with a header row; returns the number of rows."""
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        people = self.entries(status)
        for person in people:
            writer.writerow([person.display_name, "|".join(person.aliases), person.note])
        return len(people)

    # ---- internals ----------------------------------------------------------------------
    def _session(self) -> Session:
        return Session(self._engine, expire_on_commit=False)

    @staticmethod
    def _find(session: Session, person_id: int) -> Person:
        person = session.get(Person, person_id, options=[selectinload(Person.aliases)])
        if person is None:
            raise RegistryError(f"no opt-out entry with id {person_id}")
        return person

    def _set_status(
        self, person_id: int, status: str, action: str, actor: str, allowed_from: tuple[str, ...]
    ) -> PersonRecord:
        with self._session() as session, session.begin():
            person = self._find(session, person_id)
            if person.status not in allowed_from:
                raise RegistryError(f"entry {person_id} is {person.status}; cannot {action} it")
            before = person.snapshot()
            person.status = status
            person.updated_at = utcnow()
            if status == "active":
                person.verified_at = person.updated_at
            _audit(session, person.id, action, actor, before, person.snapshot())
            return _record(person)

    def _validated_names(self, name: str, aliases: Iterable[str]) -> list[str]:
        names: list[str] = []
        for raw in (name, *aliases):
            clean = " ".join(raw.split())
            if not clean:
                if raw is name:
                    raise RegistryError("name is empty")
                continue
            if len(clean) > MAX_NAME_CHARS:
                raise RegistryError(
                    f"name '{clean[:40]}…' is longer than {MAX_NAME_CHARS} characters"
                )
            if not forms(self._normalizer, clean):
                raise RegistryError(f"name '{clean}' has no letters to match on")
            if clean not in names:
                names.append(clean)
        return names

    def _refuse_duplicates(self, session: Session, names: list[str]) -> None:
        keys = {forms(self._normalizer, n)[0]: n for n in names}
        taken = self._registered(session, list(keys))
        if taken:
            key, person_id = next(iter(taken.items()))
            raise RegistryError(f"'{keys[key]}' is already registered (entry {person_id})")

    @staticmethod
    def _registered(session: Session, keys: list[str]) -> dict[str, int]:
        """Which of these name keys belong to a pending or active entry, and to which."""
        rows = session.execute(
            select(Alias.key, Alias.person_id)
            .join(Person, Person.id == Alias.person_id)
            .where(Alias.key.in_(keys), Person.status != "revoked")
        )
        return {key: person_id for key, person_id in rows}

    def _new_person(self, names: list[str], note: str, status: str, contact: str) -> Person:
        if status not in ("active", "pending"):
            raise RegistryError(f"a new entry is 'active' or 'pending', not '{status}'")
        now = utcnow()
        person = Person(
            display_name=names[0],
            status=status,
            note=note,
            contact=contact,
            created_at=now,
            updated_at=now,
            verified_at=now if status == "active" else None,
        )
        for alias in names:
            variant_forms = forms(self._normalizer, alias)
            person.aliases.append(
                Alias(name=alias, key=variant_forms[0], forms="|".join(variant_forms))
            )
        return person

    def _parse_csv(
        self, handle: TextIO
    ) -> tuple[list[tuple[int, list[str], tuple[list[str], str]]], list[tuple[int, str]]]:
        """Valid rows as (line, name keys, (names, note)), and the bad rows' messages."""
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header] != CSV_COLUMNS:
            raise RegistryError(f"line 1: the header row must be {','.join(CSV_COLUMNS)}")
        good: list[tuple[int, list[str], tuple[list[str], str]]] = []
        errors: list[tuple[int, str]] = []
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(CSV_COLUMNS):
                errors.append((line, f"expected 3 columns (name,aliases,note), got {len(row)}"))
                continue
            name, aliases, note = row
            try:
                names = self._validated_names(name, aliases.split("|") if aliases else [])
            except RegistryError as error:
                errors.append((line, str(error)))
                continue
            keys = [forms(self._normalizer, n)[0] for n in names]
            if keys[0] in seen:
                errors.append((line, f"duplicate of line {seen[keys[0]]} ('{names[0]}')"))
                continue
            seen[keys[0]] = line
            good.append((line, keys, (names, note)))
        return good, errors

    def _bulk_add(self, rows: list[tuple[list[str], str]], actor: str) -> int:
        """Insert in batches with Core statements: fast enough for a million people."""
        added = 0
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            with self._session() as session, session.begin():
                now = utcnow()
                ids = session.scalars(
                    insert(Person).returning(Person.id, sort_by_parameter_order=True),
                    [
                        {
                            "display_name": names[0],
                            "status": "active",
                            "note": note,
                            "contact": "",
                            "created_at": now,
                            "updated_at": now,
                            "verified_at": now,
                        }
                        for names, note in batch
                    ],
                ).all()
                alias_rows, audit_rows = [], []
                for person_id, (names, note) in zip(ids, batch, strict=True):
                    for alias in names:
                        variant_forms = forms(self._normalizer, alias)
                        alias_rows.append(
                            {
                                "person_id": person_id,
                                "name": alias,
                                "key": variant_forms[0],
                                "forms": "|".join(variant_forms),
                            }
                        )
                    snapshot = {
                        "display_name": names[0],
                        "aliases": names[1:],
                        "status": "active",
                        "note": note,
                    }
                    audit_rows.append(
                        {
                            "person_id": person_id,
                            "action": "import",
                            "actor": actor,
                            "at": now,
                            "before": None,
                            "after": snapshot,
                        }
                    )
                session.execute(insert(Alias), alias_rows)
                session.execute(insert(AuditEntry), audit_rows)
                added += len(batch)
        return added


def _audit(
    session: Session,
    person_id: int,
    action: str,
    actor: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.add(
        AuditEntry(
            person_id=person_id, action=action, actor=actor, at=utcnow(), before=before, after=after
        )
    )


def _record(person: Person) -> PersonRecord:
    return PersonRecord(
        id=person.id,
        display_name=person.display_name,
        aliases=[a.name for a in person.aliases[1:]],
        status=person.status,
        note=person.note,
        created_at=person.created_at,
        updated_at=person.updated_at,
        verified_at=person.verified_at,
    )


def _open(url: str) -> Engine:
    """Connect, create the SQLite folder if needed, and bring the schema to the latest revision."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as error:
        raise RegistryError(f"invalid database URL: {error}") from error
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option(
                "script_location", str(resources.files("depiction") / "registry" / "migrations")
            )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as error:
        raise RegistryError(f"database unavailable ({_redact(url)}): {error.orig}") from error
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL and a busy timeout let several processes write without 'database is locked'."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _redact(url: str) -> str:
    """The URL without its password, for error messages."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, credentials = head.partition("//")
    return f"{scheme}//{credentials.split(':', 1)[0]}:***@{tail}"
