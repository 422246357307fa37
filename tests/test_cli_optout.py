"""`depiction optout ...` as a user runs it: real subprocesses on a real SQLite file."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from .conftest import created
from .faces import CAT, COLLINS, HOPPER, group, jpeg, need_face_models


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = created(f"sqlite:///{tmp_path / 'registry.db'}")
    env = {**os.environ, "DEPICTION_DATABASE_URL": url}

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


def test_faces_are_enrolled_listed_matched_and_removed(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    need_face_models()
    added = run("optout", "add", "Grace Hopper", "--face", str(HOPPER))
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(
        "1\tactive\tGrace Hopper\n  face 1\tdlib-resnet-v1/1\tphoto sha256 "
    )
    assert run("optout", "request", "Eileen Collins").returncode == 0
    enrolled = run("optout", "enroll-face", "2", str(COLLINS))
    assert enrolled.returncode == 0, enrolled.stderr
    assert enrolled.stdout.startswith("  face 2\t")
    shown = run("optout", "show", "1").stdout
    digest = hashlib.sha256(HOPPER.read_bytes()).hexdigest()
    assert f"faces: 1\n  face 1\tdlib-resnet-v1/1\tphoto sha256 {digest[:12]}…" in shown
    assert "enroll_face cli:" in shown
    mirrored = tmp_path / "mirrored.jpg"
    mirrored.write_bytes(jpeg(ImageOps.mirror(Image.open(HOPPER)), quality=50))
    refused = run("check", "add a hat", "--mode", "edit", "--image", str(mirrored))
    assert refused.stdout.startswith("REFUSE  optout_person"), refused.stdout
    assert run("check", "add a hat", "--mode", "edit", "--image", str(COLLINS)).stdout.startswith(
        "ALLOW"
    )  # Collins's request is still pending
    assert run("optout", "remove-face", "1", "1").stdout == "removed face 1 of entry 1\n"
    assert "faces: 0" in run("optout", "show", "1").stdout
    assert "remove_face" in run("optout", "show", "1").stdout


def test_a_photo_without_exactly_one_face_is_refused_in_one_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    need_face_models()
    several, text = tmp_path / "group.jpg", tmp_path / "notes.jpg"
    several.write_bytes(group(HOPPER, COLLINS))
    text.write_text("not a photo")
    for args, message in [
        (("optout", "add", "A B", "--face", str(CAT)), f"error: {CAT}: no face found in the photo"),
        (("optout", "add", "A B", "--face", str(several)), f"error: {several}: the photo shows 2 faces; enrol from a photo of the person alone"),
        (("optout", "add", "A B", "--face", str(text)), f"error: {text}: the photo is not a readable image"),
        (("optout", "add", "A B", "--face", str(tmp_path / "none.jpg")), "error: cannot read"),
        (("optout", "enroll-face", "7", str(HOPPER)), "error: no opt-out entry with id 7"),
    ]:  # fmt: skip
        result = run(*args)
        assert result.returncode == 2, (args, result.stdout)
        assert result.stderr.startswith(message), result.stderr
        assert result.stderr.count("\n") == 1
    assert run("optout", "list").stdout == ""  # nothing was added
