"""The opt-out registry store: people who asked not to be depicted, and every change to them.

Every write happens in one transaction together with its audit entry, so the audit log is
complete and consistent even with concurrent writers. Every write holds the registry's write
lock from its start to its commit: a new entry's names are checked and claimed under it, so
one name is one person even when several processes add it at once; and audit ids become
visible in the order they are taken, so the registry's version (the last audit id) moves with
every change any process commits. (On PostgreSQL ids come from a sequence when a transaction
writes: without the lock, a change committed after a higher-numbered one would leave the
version as it was, and other replicas would never apply it.) The schema is created and
upgraded by Alembic migrations the first time a store opens a database, and aliases stored
by another matcher version are computed again from their names then (a minute per million
aliases, once).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict
from sqlalchemy import URL, Select, bindparam, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from depiction.errors import RegistryError
from depiction.normalize import Normalizer
from depiction.registry import bulk, matcher
from depiction.registry.bulk import CSV_COLUMNS, Name, registered, validated_names, write_lock
from depiction.registry.database import open_database, ping
from depiction.registry.faces import FaceTemplate
from depiction.registry.matcher import AliasRow, alias_keys
from depiction.registry.models import STATUSES, Alias, AuditEntry, FaceEmbedding, Person, utcnow
from depiction.registry.names import forms


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


class FaceRecord(BaseModel):
    """An enrolled face as callers see it: which model made it and from which photo (by
    digest); the embedding itself stays inside the registry."""

    model_config = ConfigDict(frozen=True)

    id: int
    person_id: int
    model: str
    model_version: str
    photo_sha256: str
    created_at: datetime

    def audit(self) -> dict[str, Any]:
        """What the audit log records of the face: no embedding, no photo."""
        return {
            "face_id": self.id,
            "model": f"{self.model}/{self.model_version}",
            "photo_sha256": self.photo_sha256,
        }


@dataclass(frozen=True)
class Changes:
    """The registry's changes after some version, up to `version`."""

    version: int
    people: frozenset[int]
    rows: list[AliasRow]
    """Each active alias of the changed people."""


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows added, and the rows refused with their line numbers."""

    added: int
    errors: list[str]


def _current() -> Any:
    """Aliases whose keys this matcher version computed."""
    return Alias.index_format == matcher.MATCHER_VERSION


def _stale() -> Any:
    """Aliases whose keys another matcher version computed (or none, before there were any);
    as ranges, which an index answers without a scan."""
    version = matcher.MATCHER_VERSION
    return or_(
        Alias.index_format.is_(None), Alias.index_format < version, Alias.index_format > version
    )


def _alias_rows() -> Select[Any]:
    """Each alias's stored key and matcher keys, or its name when they are stale."""
    return select(
        Alias.person_id,
        Alias.key,
        case((_current(), Alias.index_keys)),
        case((_current(), None), else_=Alias.name),
    )


class OptoutStore:
    """Opens (and migrates) the registry database; all methods are safe to call concurrently."""

    def __init__(self, url: str | None = None, normalizer: Normalizer | None = None) -> None:
        self._normalizer = normalizer or Normalizer()
        self._engine = open_database(url)
        self._recompute_stale_aliases()

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

    @property
    def url(self) -> URL:
        """The database URL (its password hidden when rendered)."""
        return self._engine.url

    def ping(self) -> None:
        """Raise `RegistryUnavailable` unless the database answers and is still the one opened."""
        ping(self._engine)

    def active_aliases(self) -> Iterator[AliasRow]:
        """Every alias of every active person as the matcher is built from it, streamed.

        Read through the DB-API cursor and filtered here rather than joined in SQL: a million
        people's rows arrive in a couple of seconds, where the ORM's per-row work or the
        join's per-row lookups would dominate building the matcher.
        """
        with self._engine.connect() as connection:
            inactive = set(
                connection.exec_driver_sql(
                    "SELECT id FROM optout_person WHERE status != 'active'"
                ).scalars()
            )
            query = _alias_rows().compile(connection, compile_kwargs={"literal_binds": True})
            cursor = connection.connection.cursor()
            try:
                cursor.execute(str(query))
                while rows := cursor.fetchmany(50_000):
                    if inactive:
                        rows = [row for row in rows if row[0] not in inactive]
                    yield from map(self._alias_row, rows)
            finally:
                cursor.close()

    def changes_since(self, version: int, limit: int) -> Changes | None:
        """The people changed after `version` and their active aliases now; None when more
        than `limit` people changed (rebuilding from `active_aliases` is then cheaper)."""
        with self._engine.connect() as connection:
            upto = int(connection.scalar(select(func.max(AuditEntry.id))) or 0)
            changed = select(AuditEntry.person_id).where(
                AuditEntry.id > version, AuditEntry.id <= upto
            )
            people = connection.scalars(changed.distinct().limit(limit + 1)).all()
            if len(people) > limit:
                return None
            rows = connection.execute(
                _alias_rows()
                .join(Person, Person.id == Alias.person_id)
                .where(Person.status == "active", Alias.person_id.in_(changed))
            )
            return Changes(upto, frozenset(people), list(map(self._alias_row, rows)))

    def audit_stamp(self, version: int) -> str | None:
        """What tells this registry's history from another's: audit entry `version`'s
        person and time (None if there is no such entry)."""
        with self._session() as session:
            entry = session.get(AuditEntry, version)
            return None if entry is None else f"{entry.person_id}@{entry.at.isoformat()}"

    def faces(self, person_id: int) -> list[FaceRecord]:
        """The faces enrolled for a person, oldest first."""
        with self._session() as session:
            self._find(session, person_id)
            rows = session.scalars(
                select(FaceEmbedding)
                .where(FaceEmbedding.person_id == person_id)
                .order_by(FaceEmbedding.id)
            )
            return [FaceRecord.model_validate(row, from_attributes=True) for row in rows]

    def active_faces(self, model: str, model_version: str) -> list[tuple[int, bytes]]:
        """(person id, embedding) of every face of every active person made by this model."""
        with self._session() as session:
            rows = session.execute(
                select(FaceEmbedding.person_id, FaceEmbedding.embedding)
                .join(Person, Person.id == FaceEmbedding.person_id)
                .where(
                    Person.status == "active",
                    FaceEmbedding.model == model,
                    FaceEmbedding.model_version == model_version,
                )
                .order_by(FaceEmbedding.id)
            )
            return [(person_id, bytes(embedding)) for person_id, embedding in rows]

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
        faces: Sequence[FaceTemplate] = (),
    ) -> PersonRecord:
        """Register a person (admin: `active` at once; self-service requests: `pending`),
        with any faces enrolled from their photos, in one transaction."""
        names = validated_names(self._normalizer, name, aliases)
        with self._session() as session, session.begin():
            write_lock(session.connection())
            self._refuse_duplicates(session, names)
            person = self._new_person(names, note, status, contact)
            session.add(person)
            try:
                session.flush()
            except IntegrityError as error:  # a writer that took no lock claimed a name first
                raise RegistryError(
                    f"'{names[0].text}' or an alias is already registered"
                ) from error
            _audit(
                session,
                person.id,
                "add" if status == "active" else "request",
                actor,
                None,
                person.snapshot(),
            )
            for face in faces:
                self._enroll(session, person, face, actor)
            return _record(person)

    def enroll_face(self, person_id: int, face: FaceTemplate, *, actor: str) -> FaceRecord:
        """Add a face to a pending or active entry (a person may enrol several photos)."""
        with self._session() as session, session.begin():
            write_lock(session.connection())
            person = self._find(session, person_id)
            if person.status == "revoked":
                raise RegistryError(f"entry {person_id} is revoked; cannot enrol a face")
            return self._enroll(session, person, face, actor)

    def remove_face(self, person_id: int, face_id: int, *, actor: str) -> FaceRecord:
        """Delete one enrolled face; it stops matching at the next refresh."""
        with self._session() as session, session.begin():
            write_lock(session.connection())
            self._find(session, person_id)
            row = session.get(FaceEmbedding, face_id)
            if row is None or row.person_id != person_id:
                raise RegistryError(f"no face {face_id} enrolled for entry {person_id}")
            removed = FaceRecord.model_validate(row, from_attributes=True)
            session.delete(row)
            _audit(session, person_id, "remove_face", actor, removed.audit(), None)
            return removed

    def verify(self, person_id: int, *, actor: str) -> PersonRecord:
        """A pending request checked by an admin becomes active."""
        return self._set_status(person_id, "active", "verify", actor, allowed_from=("pending",))

    def reject(self, person_id: int, *, actor: str) -> PersonRecord:
        """A pending request that could not be verified: it never blocks anything."""
        return self._set_status(person_id, "revoked", "reject", actor, allowed_from=("pending",))

    def revoke(self, person_id: int, *, actor: str) -> PersonRecord:
        """Stop blocking a person (their request withdrawn, or rejected)."""
        return self._set_status(
            person_id, "revoked", "revoke", actor, allowed_from=("pending", "active")
        )

    def import_csv(self, handle: TextIO, *, actor: str, skip_bad: bool = False) -> ImportResult:
        """Import `name,aliases,note` rows; all or nothing unless `skip_bad` (see `bulk`)."""
        added, errors = bulk.import_csv(self._engine, handle, actor, skip_bad)
        return ImportResult(added, [f"line {line}: {message}" for line, message in sorted(errors)])

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
            write_lock(session.connection())
            person = self._find(session, person_id)
            if person.status not in allowed_from:
                raise RegistryError(f"entry {person_id} is {person.status}; cannot {action} it")
            before = person.snapshot()
            person.status = status
            if status == "revoked":  # the names are free to be registered again
                for alias in person.aliases:
                    alias.claim = None
            person.updated_at = utcnow()
            if status == "active":
                person.verified_at = person.updated_at
            _audit(session, person.id, action, actor, before, person.snapshot())
            return _record(person)

    @staticmethod
    def _enroll(session: Session, person: Person, face: FaceTemplate, actor: str) -> FaceRecord:
        enrolled = session.scalar(
            select(FaceEmbedding.id).where(
                FaceEmbedding.person_id == person.id,
                FaceEmbedding.photo_sha256 == face.photo_sha256,
            )
        )
        if enrolled is not None:
            raise RegistryError(
                f"this photo is already enrolled for entry {person.id} (face {enrolled})"
            )
        row = FaceEmbedding(
            person_id=person.id,
            model=face.model,
            model_version=face.model_version,
            embedding=face.embedding,
            photo_sha256=face.photo_sha256,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        record = FaceRecord.model_validate(row, from_attributes=True)
        _audit(session, person.id, "enroll_face", actor, None, record.audit())
        return record

    def _alias_row(self, row: Sequence[Any]) -> AliasRow:
        """A row read with `_alias_rows` as the matcher takes it: a stale alias's key and
        matcher keys are computed again from its name (the stored key if it now folds to
        nothing)."""
        person_id, key, keys, name = row
        if name is None:
            return person_id, key, bytes(keys)
        variants = forms(self._normalizer, name) or [key]
        return person_id, variants[0], alias_keys(variants)

    def _recompute_stale_aliases(self) -> None:
        """Give aliases stored by another matcher version the key, forms, matcher keys and
        claim that this one computes from their names. Under the write lock, so one process
        does it; a key two names now share stays claimed by the older alias (both match)."""
        with self._engine.connect() as connection:
            if connection.scalar(select(Alias.id).where(_stale()).limit(1)) is None:
                return
        with self._engine.connect() as connection, connection.begin():
            write_lock(connection)
            rows = connection.execute(
                select(Alias.id, Alias.name, Alias.key, Alias.claim)
                .where(_stale())
                .order_by(Alias.id)
            ).all()
            if not rows:  # another process did it while this one waited for the lock
                return
            connection.execute(update(Alias).where(_stale()).values(claim=None))
            claimed = set(connection.scalars(select(Alias.claim).where(Alias.claim.is_not(None))))
            changes = []
            for alias_id, name, key, claim in rows:
                variants = forms(self._normalizer, name) or [key]
                keeps_claim = claim is not None and variants[0] not in claimed
                if keeps_claim:
                    claimed.add(variants[0])
                changes.append(
                    {
                        "alias_id": alias_id,
                        "new_key": variants[0],
                        "new_claim": variants[0] if keeps_claim else None,
                        "new_forms": "|".join(variants),
                        "new_keys": alias_keys(variants),
                    }
                )
            connection.execute(
                update(Alias)
                .where(Alias.id == bindparam("alias_id"))
                .values(
                    key=bindparam("new_key"),
                    claim=bindparam("new_claim"),
                    forms=bindparam("new_forms"),
                    index_keys=bindparam("new_keys"),
                    index_format=matcher.MATCHER_VERSION,
                ),
                changes,
            )

    def _refuse_duplicates(self, session: Session, names: list[Name]) -> None:
        taken = registered(session, [n.key for n in names])
        for name in names:
            if name.key in taken:
                raise RegistryError(
                    f"'{name.text}' is already registered (entry {taken[name.key]})"
                )

    def _new_person(self, names: list[Name], note: str, status: str, contact: str) -> Person:
        if status not in ("active", "pending"):
            raise RegistryError(f"a new entry is 'active' or 'pending', not '{status}'")
        now = utcnow()
        person = Person(
            display_name=names[0].text,
            status=status,
            note=note,
            contact=contact,
            created_at=now,
            updated_at=now,
            verified_at=now if status == "active" else None,
        )
        person.aliases.extend(Alias(**name.alias_row()) for name in names)
        return person


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
