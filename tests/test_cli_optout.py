"""`depiction optout ...` as a user runs it: real subprocesses on a real SQLite file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "DEPICTION_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}"}

    def invoke(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "depiction", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    return invoke


def test_add_list_show_and_check(run) -> None:  # type: ignore[no-untyped-def]
    added = run(
        "optout", "add", "Lei Jun", "--alias", "雷军", "--note", "press office", "--actor", "ops"
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout == "1\tactive\tLei Jun  aliases: 雷军\n"
    assert run("optout", "request", "Keanu Reeves").stdout == "2\tpending\tKeanu Reeves\n"
    assert run("optout", "list", "--status", "pending").stdout == "2\tpending\tKeanu Reeves\n"
    shown = run("optout", "show", "1").stdout
    assert '"display_name": "Lei Jun"' in shown
    assert "add      ops" in shown
    refused = run("check", "雷軍 giving a keynote")
    assert refused.stdout.startswith("REFUSE  optout_person")
    assert run("check", "Keanu Reeves on a bike").stdout.startswith("ALLOW")
    assert run("optout", "verify", "2").stdout == "2\tactive\tKeanu Reeves\n"
    assert run("check", "Keanu Reeves on a bike").stdout.startswith("REFUSE  optout_person")


def test_errors_are_one_line(run) -> None:  # type: ignore[no-untyped-def]
    run("optout", "add", "Lei Jun")
    for args, message in [
        (("optout", "add", "LEI JUN"), "error: 'LEI JUN' is already registered (entry 1)"),
        (("optout", "revoke", "42"), "error: no opt-out entry with id 42"),
        (
            ("optout", "list", "--status", "gone"),
            "error: unknown status 'gone' (expected one of: pending, active, revoked)",
        ),
    ]:
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.strip() == message


def test_import_reports_bad_lines_and_imports_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,aliases,note\nLei Jun,雷军,\n,,x\nKeanu Reeves,,\n", encoding="utf-8")
    result = run("optout", "import", str(csv_file))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{csv_file}: line 3: name is empty",
        "error: 1 bad rows; nothing imported (use --skip-bad to import the good rows)",
    ]
    assert run("optout", "list").stdout == ""
    skipped = run("optout", "import", str(csv_file), "--skip-bad")
    assert skipped.stdout == "imported 2 people, skipped 1 bad rows\n"
    exported = run("optout", "export")
    assert exported.stdout.splitlines() == ["name,aliases,note", "Lei Jun,雷军,", "Keanu Reeves,,"]


def test_import_of_a_non_utf8_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("name,aliases,note\nBeyonc\xe9,,\n".encode("latin-1"))
    result = run("optout", "import", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {bad} is not valid UTF-8"


def test_unreachable_database(run) -> None:  # type: ignore[no-untyped-def]
    result = run("optout", "list", "--database-url", "postgresql+psycopg://u:pw@127.0.0.1:1/x")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: database unavailable (postgresql+psycopg://u:***@127.0.0.1:1/x)"
    )
    assert len(result.stderr.strip().splitlines()) == 1
