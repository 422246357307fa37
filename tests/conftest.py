"""Shared fixtures: one default engine per test session (loading it reads every lexicon), and
a real PostgreSQL server when one is installed.

The PostgreSQL server is a throw-away cluster started on loopback by the fixture itself
(`initdb` + `pg_ctl` from the Debian package that `.ci/run` installs). Locally without it the
PostgreSQL tests are skipped; in CI (CI=true) a missing server is a failure.
"""

import glob
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from PIL import Image

from depiction import Engine
from depiction.registry.database import open_database

DATA = Path(__file__).parent / "data"
POLICIES = Path(__file__).parent / "policies"


def created(url: str) -> str:
    """`url` after creating its registry on purpose, as `depiction db init` does: a database
    named by URL is never created by merely opening it."""
    open_database(url, create=True).dispose()
    return url


# Tests never touch the user's real registry: one throw-away SQLite file per test run,
# inherited by the CLI subprocesses the tests start.
os.environ["DEPICTION_DATABASE_URL"] = created(
    f"sqlite:///{tempfile.mkdtemp(prefix='depiction-')}/registry.db"
)


DECISION_FIELDS = [
    "action",
    "categories",
    "rules",
    "revised_prompt",
    "signals",
    "policy",
    "latency_ms",
    "language",
    "decision_id",
]
"""The decision JSON contract (docs/design.md §1), in order."""


def needed(what: str, how: str) -> None:
    """A test needs a system tool: missing in CI (which installs it) fails, elsewhere skips."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing; .ci/run should install {how}")
    pytest.skip(f"no {what} installed")


def chromium() -> str:
    """Debian's Chromium, for tests that render pages in a real browser."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        needed("chromium", "the Debian package chromium")
    assert path is not None
    return path


def depiction(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real `depiction` command in a subprocess (text output)."""
    return subprocess.run(
        [sys.executable, "-m", "depiction", *args], capture_output=True, text=True, timeout=timeout
    )


def png_bytes(width: int = 16, height: int = 16, mode: str = "RGB") -> bytes:
    """A real PNG made here (tests never ship binary fixtures)."""
    out = io.BytesIO()
    Image.new(mode, (width, height), 1 if mode == "1" else (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()


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


def postgres_database(server: str, name: str) -> str:
    """The URL of a new, empty database `name` on the PostgreSQL `server` (dropped first if a
    previous run left it)."""
    admin = sqlalchemy.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"
