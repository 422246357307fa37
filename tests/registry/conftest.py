"""Registry fixtures: a fresh SQLite file per test, and a fresh database on the shared
PostgreSQL server (`postgres_url` in tests/conftest.py) when one is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from depiction.registry.store import OptoutStore

from ..conftest import created, postgres_database


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return created(f"sqlite:///{tmp_path / 'registry.db'}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each registry test runs on SQLite and on PostgreSQL (a fresh, empty database each
    time: `created` makes it a registry)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    server: str = request.getfixturevalue("postgres_url")
    return postgres_database(server, f"t{abs(hash(request.node.nodeid)) % 10**9}")


@pytest.fixture
def store(database_url: str) -> OptoutStore:
    return OptoutStore(created(database_url))
