"""Where the registry lives: `DEPICTION_DATABASE_URL`, else a SQLite file in the user data dir.

Only that default file is created on first use; a database named on purpose (a flag, a
setting, the environment) must already exist (`depiction db init` creates one), so a
mistyped path or a deleted file is an error rather than a new, empty registry.

The opt-out matcher's cache file (see `registry.index_cache`) lives next to a SQLite registry,
or in the user cache dir for a database server; `DEPICTION_MATCHER_CACHE` names another folder
for it, or `off` to never write or read one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs
from sqlalchemy import URL

DATABASE_URL_ENV = "DEPICTION_DATABASE_URL"
MATCHER_CACHE_ENV = "DEPICTION_MATCHER_CACHE"


def database_url(explicit: str | None = None) -> str:
    """The URL to use: an explicit one, the environment's, or the per-user SQLite default."""
    return explicit or os.environ.get(DATABASE_URL_ENV) or default_database_url()


def default_database_url() -> str:
    """The per-user SQLite file: the one registry created on first use rather than on purpose."""
    folder = Path(platformdirs.user_data_dir("depiction", appauthor=False))
    return f"sqlite:///{folder / 'registry.db'}"


def matcher_cache_path(url: URL) -> Path | None:
    """The matcher cache file for the registry at `url`, or None when there is none to keep
    (caching switched off, or an in-memory database)."""
    setting = os.environ.get(MATCHER_CACHE_ENV, "").strip()
    if setting.lower() == "off":
        return None
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        database = Path(url.database).expanduser().resolve()
        identity, folder = str(database), database.parent
    else:
        identity = url.render_as_string(hide_password=True)
        folder = Path(platformdirs.user_cache_dir("depiction", appauthor=False))
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return (Path(setting).expanduser() if setting else folder) / f"optout-matcher-{digest}.npz"
