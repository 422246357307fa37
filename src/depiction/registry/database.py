"""Opening the registry database: created only on purpose, schema migrated on first use.

A registry must never quietly become an empty one. Only the per-user default SQLite file is
created on first use; any other database is created on purpose (`create=True`, which
`depiction db init` and `depiction serve --create-db` pass), and opening one that does not
exist or holds no registry is an error. A SQLite file is created readable by its owner only
(a folder made for it too); connections open it with SQLite's `mode=rw`, so they never
create it; and each connection taken from the pool first checks that the file is still the
one opened: deleted or replaced while in use, the registry is unavailable rather than
written to a file nobody will read again.
"""

from __future__ import annotations

import os
import time
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import SQLAlchemyError

from depiction.errors import RegistryUnavailable
from depiction.registry.config import database_url, default_database_url

_MIGRATION_ATTEMPTS = 5


def open_database(url: str | None = None, *, create: bool = False) -> Engine:
    """Connect and bring the schema to the latest revision. With `create`, a database that
    does not exist or holds no registry yet is made one (the default file always is)."""
    url = database_url(url)
    create = create or url == default_database_url()
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as error:
        raise RegistryUnavailable(f"invalid database URL: {error}") from error
    shown = engine.url.render_as_string(hide_password=True)
    path = _sqlite_file(engine)
    if path is not None:
        _watch(engine, path, _identity(path, create))
    try:
        initialised = create or _initialised(engine)  # before any pragma writes to the file
    except SQLAlchemyError as error:
        raise _unavailable(shown, error) from error
    if not initialised:
        raise RegistryUnavailable(
            f"the database {shown} holds no registry; "
            "initialise it on purpose with `depiction db init`"
        )
    if engine.dialect.name == "sqlite":
        engine.dispose()  # the check's connection has none of the pragmas
        event.listen(engine, "connect", _sqlite_pragmas)
    for attempt in range(_MIGRATION_ATTEMPTS):
        try:
            _migrate(engine)
            return engine
        except SQLAlchemyError as error:
            # Several processes starting on a new database race to create it; the loser
            # finds the tables made and retries. A database that is really down fails here.
            if attempt == _MIGRATION_ATTEMPTS - 1 or not _is_race(error):
                raise _unavailable(shown, error) from error
            time.sleep(0.2 * (attempt + 1))
    return engine


def ping(engine: Engine) -> None:
    """Raise `RegistryUnavailable` unless the registry answers (for readiness probes)."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as error:
        shown = engine.url.render_as_string(hide_password=True)
        raise RegistryUnavailable(f"database unavailable ({shown})") from error


def _migrate(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        config = Config()
        config.set_main_option(
            "script_location", str(resources.files("depiction") / "registry" / "migrations")
        )
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, revision)
        except CommandError as error:  # e.g. written by a newer depiction: never guess
            raise RegistryUnavailable(
                f"the registry database has a schema this version of depiction does not know "
                f"({error}); upgrade depiction, or point it at another database"
            ) from error


def _unavailable(shown: str, error: SQLAlchemyError) -> RegistryUnavailable:
    return RegistryUnavailable(f"database unavailable ({shown}): {getattr(error, 'orig', error)}")


def _initialised(engine: Engine) -> bool:
    with engine.connect() as connection:
        return inspect(connection).has_table("alembic_version")


def _is_race(error: SQLAlchemyError) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return any(sign in text for sign in ("already exists", "locked", "unique", "duplicate"))


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite database (None in memory, or for a `file:` URI of the user's)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return None if "uri" in url.query else Path(url.database)


def _identity(path: Path, create: bool) -> tuple[int, int]:
    """The file's device and inode, after creating it (owner-only) when that is allowed."""
    if not path.exists() and not create:
        raise RegistryUnavailable(
            f"the registry database {path} does not exist; create it on purpose with "
            "`depiction db init` (or `depiction serve --create-db`)"
        )
    try:
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        info = path.stat()
    except OSError as error:
        raise RegistryUnavailable(
            f"cannot use the registry database {path}: {error.strerror or error}"
        ) from error
    return info.st_dev, info.st_ino


def _watch(engine: Engine, path: Path, identity: tuple[int, int]) -> None:
    """Check the file (a `stat`) before each connection and each use of one, and connect
    without ever creating it."""
    uri = f"file:{quote(str(path))}?mode=rw"

    def check(*_: Any) -> None:
        try:
            info = path.stat()
        except OSError:
            info = None
        if info is None or (info.st_dev, info.st_ino) != identity:
            raise RegistryUnavailable(
                f"the registry database {path} was deleted or replaced while in use; "
                "nothing more is written; restart once the right file is back in place"
            )

    def connect(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        check()
        cargs[:1] = [uri]
        cparams["uri"] = True

    event.listen(engine, "do_connect", connect)
    event.listen(engine, "checkout", check)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL and a busy timeout let several processes write without 'database is locked'."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; commits stay atomic
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: bulk imports maintain big indexes
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
