"""The registry database from the command line: created only on purpose (or the default on
first use), owner-only; a killed import leaves no worker behind; an invalid policy is one line."""

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import POLICIES, created

CLI = [sys.executable, "-m", "depiction"]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=300, env={**os.environ, **env}
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_named_database_is_never_created_by_merely_using_it(tmp_path: Path) -> None:
    database = tmp_path / "new" / "registry.db"
    url = f"sqlite:///{database}"
    for args in (("optout", "add", "Lei Jun"), ("keys", "list"), ("check", "Lei Jun")):
        assert one_line_error(run(*args, DEPICTION_DATABASE_URL=url)) == (
            f"error: the registry database {database} does not exist; create it on purpose"
            " with `depiction db init` (or `depiction serve --create-db`)"
        )
        assert not database.exists()
    initialised = run("db", "init", DEPICTION_DATABASE_URL=url)
    assert initialised.stdout == f"registry ready: {url}\n", initialised.stderr
    assert (mode(database.parent), mode(database)) == (0o700, 0o600)
    assert run("optout", "add", "Lei Jun", DEPICTION_DATABASE_URL=url).returncode == 0
    assert one_line_error(run("optout", "add", "Lei\x07Jun", DEPICTION_DATABASE_URL=url)) == (
        "error: name 'Lei\\x07Jun' has control characters or broken text"
    )
    assert run("db", "init", DEPICTION_DATABASE_URL=url).returncode == 0  # again: harmless
    assert run("optout", "list", DEPICTION_DATABASE_URL=url).stdout == "1\tactive\tLei Jun\n"


def test_a_named_database_that_is_not_a_registry_is_an_error(tmp_path: Path) -> None:
    garbage, empty = tmp_path / "garbage.db", tmp_path / "empty.db"
    garbage.write_bytes(b"not a database at all" * 100)
    empty.write_bytes(b"")
    assert one_line_error(run("optout", "list", "--database-url", f"sqlite:///{garbage}")) == (
        f"error: database unavailable (sqlite:///{garbage}): file is not a database"
    )
    assert one_line_error(run("optout", "list", "--database-url", f"sqlite:///{empty}")) == (
        f"error: the database sqlite:///{empty} holds no registry;"
        " initialise it on purpose with `depiction db init`"
    )
    assert garbage.read_bytes() == b"not a database at all" * 100 and empty.read_bytes() == b""


def test_a_database_from_a_newer_depiction_is_an_error(tmp_path: Path) -> None:
    """A schema revision this version does not know is refused, never migrated or guessed."""
    path = tmp_path / "newer.db"
    url = created(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    line = one_line_error(run("optout", "list", "--database-url", url))
    assert line.startswith("error: the registry database has a schema this version of depiction")
    assert "'9999'" in line


def test_the_default_database_is_created_on_first_use_owner_only(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DEPICTION_DATABASE_URL"}
    env["XDG_DATA_HOME"] = str(tmp_path)
    result = subprocess.run(
        [*CLI, "optout", "add", "Lei Jun"], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr
    database = tmp_path / "depiction" / "registry.db"
    assert (mode(database.parent), mode(database)) == (0o700, 0o600)


def test_serve_and_check_name_an_invalid_policy_in_one_line() -> None:
    policy = POLICIES / "bad_condition.yaml"
    expected = (
        f"error: {policy}:8: rule 'misspelt.kind': invalid condition (condition line 1,"
        " column 11): undeclared reference to 'minr'"
    )
    assert one_line_error(run("check", "a cat", "--policy", str(policy))) == expected
    assert one_line_error(run("serve", "--port", "9", "--policy", str(policy))) == expected


def test_serve_refuses_a_named_database_that_does_not_exist(tmp_path: Path) -> None:
    database = tmp_path / "registry.db"
    refused = run("serve", "--port", "9", DEPICTION_DATABASE_URL=f"sqlite:///{database}")
    assert one_line_error(refused).startswith(
        f"error: the registry database {database} does not exist"
    )
    assert not database.exists()


def children(pid: int) -> set[int]:
    """The live processes whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            state = process_state(int(entry.name))
            if state is not None and state[1] == pid and state[0] != "Z":
                found.add(int(entry.name))
    return found


def process_state(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) of a process, or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    state = process_state(pid)
    return state is not None and state[0] != "Z"


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 120) -> None:
    """Poll `condition` until it holds; fail after `seconds` (a bound, not a measurement)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen")
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_import_leaves_no_worker_processes(tmp_path: Path, sig: signal.Signals) -> None:
    people = tmp_path / "people.csv"
    rows = "".join(f"Person{i:06d} Example,,\n" for i in range(300_000))
    people.write_text("name,aliases,note\n" + rows, encoding="utf-8")
    url = created(f"sqlite:///{tmp_path / 'registry.db'}")
    importer = subprocess.Popen(
        [*CLI, "optout", "import", str(people)],
        env={**os.environ, "DEPICTION_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        wait_for(lambda: len(children(importer.pid)) == 2, "starting two workers")
        workers = children(importer.pid)
        importer.send_signal(sig)
        importer.wait(timeout=120)
        wait_for(lambda: not any(map(alive, workers)), "the workers exiting with their parent")
    finally:
        importer.kill()
        for worker in filter(alive, workers):
            os.kill(worker, signal.SIGKILL)
    assert run("optout", "list", DEPICTION_DATABASE_URL=url).stdout == ""  # nothing half-done
