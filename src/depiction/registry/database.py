"""Opening the registry database: one engine per URL, schema migrated on first use."""

from __future__ import annotations

import time
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from depiction.errors import RegistryError
from depiction.registry.config import database_url


def open_database(url: str | None = None) -> Engine:
    """Connect, create the SQLite folder if needed, and bring the schema to the latest revision."""
    url = database_url(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as error:
        raise RegistryError(f"invalid database URL: {error}") from error
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    for attempt in range(_MIGRATION_ATTEMPTS):
        try:
            _migrate(engine)
            return engine
        except (OperationalError, IntegrityError, ProgrammingError) as error:
            # Several processes starting on a new database race to create it; the loser
            # finds the tables made and retries. A database that is really down fails here.
            if attempt == _MIGRATION_ATTEMPTS - 1 or not _is_race(error):
                raise RegistryError(
                    f"database unavailable ({_redact(url)}): {error.orig}"
                ) from error
            time.sleep(0.2 * (attempt + 1))
    return engine


def _migrate(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        config = Config()
        config.set_main_option(
            "script_location", str(resources.files("depiction") / "registry" / "migrations")
        )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _is_race(error: SQLAlchemyError) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return any(sign in text for sign in ("already exists", "locked", "unique", "duplicate"))


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL and a busy timeout let several processes write without 'database is locked'."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; commits stay atomic
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: bulk imports maintain big indexes
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _redact(url: str) -> str:
    """The URL without its password, for error messages."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, credentials = head.partition("//")
    return f"{scheme}//{credentials.split(':', 1)[0]}:***@{tail}"


_MIGRATION_ATTEMPTS = 5


@cache
def _engine_for(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


def ping(url: str | None = None) -> None:
    """Raise `RegistryError` unless the registry database answers (for readiness probes)."""
    resolved = database_url(url)
    try:
        with _engine_for(resolved).connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except (SQLAlchemyError, ImportError) as error:
        raise RegistryError(f"database unavailable ({_redact(resolved)})") from error
