"""API keys for the service: scopes `check`, `gateway`, `admin`; only hashes are stored."""

from __future__ import annotations

import hashlib
import secrets

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from depiction.errors import RegistryError
from depiction.registry.database import open_database
from depiction.registry.models import ApiKey

SCOPES = ("check", "gateway", "admin")
PREFIX = "dpk_"


class KeyRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    scopes: list[str]
    revoked: bool


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    def __init__(self, url: str | None = None) -> None:
        self._engine = open_database(url)

    def create(self, name: str, scopes: list[str]) -> tuple[KeyRecord, str]:
        """A new key: the record, and the key itself (shown once, never stored)."""
        unknown = sorted(set(scopes) - set(SCOPES))
        if unknown or not scopes:
            raise RegistryError(
                f"scopes must be among {', '.join(SCOPES)} (got {', '.join(scopes) or 'none'})"
            )
        key = PREFIX + secrets.token_urlsafe(32)
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            row = ApiKey(
                name=name,
                key_hash=key_hash(key),
                scopes=",".join(sorted(set(scopes))),
                revoked=False,
            )
            session.add(row)
        return _record(row), key

    def revoke(self, key_id: int) -> KeyRecord:
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            row = session.get(ApiKey, key_id)
            if row is None:
                raise RegistryError(f"no API key with id {key_id}")
            row.revoked = True
            return _record(row)

    def entries(self) -> list[KeyRecord]:
        with Session(self._engine) as session:
            return [_record(row) for row in session.scalars(select(ApiKey).order_by(ApiKey.id))]

    def active_hashes(self) -> dict[str, frozenset[str]]:
        """key hash → scopes, for every key not revoked."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(ApiKey.key_hash, ApiKey.scopes).where(ApiKey.revoked.is_(False))
            )
            return {digest: frozenset(scopes.split(",")) for digest, scopes in rows}

    def version(self) -> tuple[int, int]:
        with Session(self._engine) as session:
            row = session.execute(
                select(func.count(ApiKey.id), func.count(ApiKey.id).filter(ApiKey.revoked))
            ).one()
            return int(row[0]), int(row[1])


def _record(row: ApiKey) -> KeyRecord:
    return KeyRecord(id=row.id, name=row.name, scopes=row.scopes.split(","), revoked=row.revoked)
