"""Registry fixtures: a fresh SQLite file per test, and a real PostgreSQL server when available.

The PostgreSQL server is a throw-away cluster started on loopback by the fixture itself
(`initdb` + `pg_ctl` from the Debian package that `.ci/run` installs). Locally without it the
PostgreSQL tests are skipped; in CI (CI=true) a missing server is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from depiction.registry.store import OptoutStore

from ..conftest import created, needed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*command: str) -> list[str]:
    """initdb refuses to run as root, so root runs the server as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries:
        needed("PostgreSQL server", "the Debian package postgresql")
    bin_dir = Path(binaries[-1])
    data = Path(tempfile.mkdtemp(prefix="depiction-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = _free_port()
    subprocess.run(
        _as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_postgres(
            str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w",
            "-o", f"-p {port} -k {data} -h 127.0.0.1", "start",
        ),
        check=True,
        capture_output=True,
    )  # fmt: skip
    try:
        subprocess.run(
            _as_postgres(
                str(bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "depiction",
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/depiction"
    finally:
        subprocess.run(
            _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"),
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return created(f"sqlite:///{tmp_path / 'registry.db'}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each registry test runs on SQLite and on PostgreSQL (a fresh, empty database each
    time: `created` makes it a registry)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    base: str = request.getfixturevalue("postgres_url")
    name = f"t{abs(hash(request.node.nodeid)) % 10**9}"
    import sqlalchemy

    admin = sqlalchemy.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return base.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def store(database_url: str) -> OptoutStore:
    return OptoutStore(created(database_url))
