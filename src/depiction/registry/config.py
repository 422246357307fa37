"""Where the registry lives: `DEPICTION_DATABASE_URL`, else a SQLite file in the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATABASE_URL_ENV = "DEPICTION_DATABASE_URL"


def database_url(explicit: str | None = None) -> str:
    """The URL to use: an explicit one, the environment's, or the per-user SQLite default."""
    if explicit:
        return explicit
    from_env = os.environ.get(DATABASE_URL_ENV)
    if from_env:
        return from_env
    folder = Path(platformdirs.user_data_dir("depiction", appauthor=False))
    return f"sqlite:///{folder / 'registry.db'}"
