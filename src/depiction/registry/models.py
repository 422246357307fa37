"""Registry tables (SQLAlchemy 2). Schema changes go through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("pending", "active", "revoked")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Person(Base):
    """Someone who asked not to be depicted. Only `active` entries block requests."""

    __tablename__ = "optout_person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    aliases: Mapped[list[Alias]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Alias.id"
    )

    def snapshot(self) -> dict[str, Any]:
        """The person's state as recorded in the audit log (before/after)."""
        return {
            "display_name": self.display_name,
            "aliases": [a.name for a in self.aliases[1:]],
            "status": self.status,
            "note": self.note,
        }


class Alias(Base):  # the first alias of a person is always their display name
    """Another name of a person (any script), with the forms the matcher indexes.

    `key` is the folded name (duplicate checks); `forms` holds the key and its variants,
    separated by "|"; `index_keys` is `matcher.alias_keys` of the forms. All three are
    computed from `name` once, when the alias is stored, so building a matcher over a
    million people is only concatenating and sorting; `index_format` is the
    `matcher.MATCHER_VERSION` they were computed with, and the store computes them again when
    it is not the running one. `claim` is the key while the person is pending or active and
    NULL once revoked: unique, so one name belongs to one person at a time, however many
    processes add it at once.
    """

    __tablename__ = "optout_alias"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("optout_person.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(400), index=True)
    claim: Mapped[str | None] = mapped_column(String(400), nullable=True, unique=True, index=True)
    forms: Mapped[str] = mapped_column(Text)
    index_keys: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    index_format: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    person: Mapped[Person] = relationship(back_populates="aliases")


class FaceEmbedding(Base):
    """One enrolled face of a person: the embedding and the photo's digest, never the photo.

    `model` and `model_version` say which network made the embedding; only embeddings of
    the running model are compared.
    """

    __tablename__ = "face_embeddings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("optout_person.id", ondelete="CASCADE"), index=True
    )
    model: Mapped[str] = mapped_column(String(60))
    model_version: Mapped[str] = mapped_column(String(20))
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    photo_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Append-only history: who changed what, when, from what to what."""

    __tablename__ = "optout_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


ARTIST_KINDS = ("individual", "studio", "movement", "franchise")


class Artist(Base):
    """An artist, studio, movement or franchise whose style a prompt may name."""

    __tablename__ = "artist"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    born: Mapped[int | None] = mapped_column(Integer, nullable=True)
    died: Mapped[int | None] = mapped_column(Integer, nullable=True)
    living_override: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    opted_in: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text, default="")
    aliases: Mapped[list[ArtistAlias]] = relationship(
        back_populates="artist", cascade="all, delete-orphan", order_by="ArtistAlias.id"
    )

    @property
    def living(self) -> bool:
        """Living unless a death year is known; an explicit override wins."""
        if self.living_override is not None:
            return self.living_override
        return self.kind == "individual" and self.died is None


class ArtistAlias(Base):
    """Another name of an artist (any script or romanization)."""

    __tablename__ = "artist_alias"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    artist_id: Mapped[int] = mapped_column(ForeignKey("artist.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    artist: Mapped[Artist] = relationship(back_populates="aliases")


class ApiKey(Base):
    """A service API key; only its SHA-256 is stored, the key is shown once at creation."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Appeal(Base):
    """A user's appeal of a decision, waiting for (or resolved by) a reviewer."""

    __tablename__ = "appeal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(64), index=True)
    prompt: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(10))
    categories: Mapped[str] = mapped_column(String(400))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True)
    outcome: Mapped[str | None] = mapped_column(String(12), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RateEvent(Base):
    """One counted event (a portal submission) for a rate limit that every worker and
    replica sharing the registry enforces together."""

    __tablename__ = "rate_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RegistryMeta(Base):
    """A registry-wide value, e.g. the digest of the shipped artist list last brought in, so
    that opening the registry compares one row rather than every artist."""

    __tablename__ = "registry_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
