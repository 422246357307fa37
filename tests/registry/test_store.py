"""The opt-out store on SQLite and PostgreSQL: workflow, audit log, CSV, clear errors."""

import io
from pathlib import Path

import pytest
import sqlalchemy

from depiction.errors import RegistryError, RegistryUnavailable
from depiction.registry import bulk
from depiction.registry.store import OptoutStore

from ..conftest import created


def test_add_is_active_and_audited(store: OptoutStore) -> None:
    person = store.add("Scarlett Johansson", ["斯嘉丽·约翰逊"], "agent's letter", actor="admin")
    assert person.status == "active"
    assert person.aliases == ["斯嘉丽·约翰逊"]
    assert person.verified_at is not None
    history = store.history(person.id)
    assert [(e.action, e.actor) for e in history] == [("add", "admin")]
    assert history[0].before is None
    assert history[0].after == {
        "display_name": "Scarlett Johansson", "aliases": ["斯嘉丽·约翰逊"], "status": "active", "note": "agent's letter",
    }  # fmt: skip


def test_request_verify_revoke_workflow(store: OptoutStore) -> None:
    person = store.add("Lei Jun", ["雷军"], actor="self-service", status="pending")
    assert store.entries("active") == []
    assert store.verify(person.id, actor="admin").status == "active"
    assert [p.id for p in store.entries("active")] == [person.id]
    assert store.revoke(person.id, actor="admin").status == "revoked"
    assert [e.action for e in store.history(person.id)] == ["request", "verify", "revoke"]
    with pytest.raises(RegistryError, match="is revoked; cannot verify"):
        store.verify(person.id, actor="admin")


def test_version_changes_with_every_write(store: OptoutStore) -> None:
    before = store.version()
    person = store.add("Keanu Reeves", actor="admin")
    after_add = store.version()
    store.revoke(person.id, actor="admin")
    assert before < after_add < store.version()


def test_clear_errors(store: OptoutStore) -> None:
    store.add("Keanu Reeves", actor="admin")
    with pytest.raises(RegistryError, match=r"'KEANU reeves' is already registered \(entry \d+\)"):
        store.add("KEANU  reeves", actor="admin")
    with pytest.raises(RegistryError, match="no opt-out entry with id 999"):
        store.revoke(999, actor="admin")
    with pytest.raises(RegistryError, match="name is empty"):
        store.add("   ", actor="admin")
    with pytest.raises(RegistryError, match="no letters to match on"):
        store.add("!!!", actor="admin")
    with pytest.raises(RegistryError, match="unknown status 'gone'"):
        store.entries("gone")


def test_a_revoked_name_can_be_registered_again(store: OptoutStore) -> None:
    first = store.add("Keanu Reeves", actor="admin")
    store.revoke(first.id, actor="admin")
    assert store.add("Keanu Reeves", actor="admin").id != first.id


CSV = "name,aliases,note\nLei Jun,雷军|Jun Lei,press office\nKeanu Reeves,,\n"


def test_csv_import_and_export_round_trip(store: OptoutStore, tmp_path: Path) -> None:
    result = store.import_csv(io.StringIO(CSV), actor="import")
    assert (result.added, result.errors) == (2, [])
    out = io.StringIO()
    assert store.export_csv(out) == 2
    assert out.getvalue().splitlines() == [
        "name,aliases,note", "Lei Jun,雷军|Jun Lei,press office", "Keanu Reeves,,",
    ]  # fmt: skip
    copy = OptoutStore(created(f"sqlite:///{tmp_path / 'copy.db'}"))
    assert copy.import_csv(io.StringIO(out.getvalue()), actor="import").added == 2
    assert [p.display_name for p in copy.entries()] == ["Lei Jun", "Keanu Reeves"]
    [imported] = store.history(store.entries()[0].id)
    assert (imported.action, imported.actor, imported.before) == ("import", "import", None)
    assert imported.after == {
        "display_name": "Lei Jun", "aliases": ["雷军", "Jun Lei"], "status": "active", "note": "press office",
    }  # fmt: skip
    later = store.add("Zhang Ziyi", actor="admin")  # ids keep counting after a bulk import
    assert later.id > max(p.id for p in store.entries()[:2])


def test_bad_csv_rows_block_the_import_unless_skipped(store: OptoutStore) -> None:
    bad = "name,aliases,note\nLei Jun,,\n,,empty name\nA,B\nLEI JUN,,dup\nKeanu Reeves,,\n"
    result = store.import_csv(io.StringIO(bad), actor="import")
    assert result.added == 0
    assert result.errors == [
        "line 3: name is empty",
        "line 4: expected 3 columns (name,aliases,note), got 2",
        "line 5: duplicate of line 2 ('LEI JUN')",
    ]
    assert store.entries() == []
    skipped = store.import_csv(io.StringIO(bad), actor="import", skip_bad=True)
    assert skipped.added == 2
    assert [p.display_name for p in store.entries()] == ["Lei Jun", "Keanu Reeves"]


def test_rows_already_registered_are_bad_rows(store: OptoutStore) -> None:
    store.add("Keanu Reeves", actor="admin")
    result = store.import_csv(io.StringIO(CSV), actor="import")
    assert result.added == 0
    assert result.errors[0].startswith("line 3: 'Keanu Reeves' is already registered (entry ")


def test_csv_needs_its_header(store: OptoutStore) -> None:
    with pytest.raises(RegistryError, match="line 1: the header row must be name,aliases,note"):
        store.import_csv(io.StringIO("Lei Jun,,\n"), actor="import")


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(
        RegistryUnavailable,
        match=r"database unavailable \(postgresql\+psycopg://u:\*\*\*@127.0.0.1:1/x\)",
    ):
        OptoutStore("postgresql+psycopg://u:secret@127.0.0.1:1/x")
    with pytest.raises(RegistryUnavailable, match="invalid database URL"):
        OptoutStore("nosuchdialect://x")


def test_big_imports_validate_in_worker_processes(
    store: OptoutStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "PARALLEL_ROWS", 2)
    monkeypatch.setattr(bulk, "BATCH", 2)  # several chunks and several insert batches
    rows = "".join(f"Person{i:03d} Example,,\n" for i in range(7))
    result = store.import_csv(
        io.StringIO("name,aliases,note\n" + rows + "雷军,Lei Jun,\n"), actor="import"
    )
    assert (result.added, result.errors) == (8, [])
    assert [p.display_name for p in store.entries()][-2:] == ["Person006 Example", "雷军"]
    assert store.entries()[-1].aliases == ["Lei Jun"]


def test_an_import_into_a_bigger_registry_asks_it_about_duplicates(store: OptoutStore) -> None:
    for name in ("Keanu Reeves", "Zhang Ziyi", "Beyoncé"):
        store.add(name, actor="admin")
    rows = "name,aliases,note\nLei Jun,,\nKEANU REEVES,,\n"
    result = store.import_csv(io.StringIO(rows), actor="import")
    assert result.added == 0
    assert result.errors == ["line 3: 'KEANU REEVES' is already registered (entry 1)"]
    assert store.import_csv(io.StringIO(rows), actor="import", skip_bad=True).added == 1


def test_a_failed_import_leaves_nothing_behind(
    store: OptoutStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: a crash after some chunks were written rolls them back, and on
    SQLite the secondary indexes dropped for the load are back."""
    monkeypatch.setattr(bulk, "BATCH", 2)
    written = bulk._Writer.write

    def crash_on_the_second_chunk(writer: bulk._Writer, chunk: list[bulk._Valid]) -> None:
        if writer.added:
            raise RuntimeError("disk full")
        written(writer, chunk)

    monkeypatch.setattr(bulk._Writer, "write", crash_on_the_second_chunk)
    version = store.version()
    rows = "".join(f"Person{i:03d} Example,,\n" for i in range(5))
    with pytest.raises(RuntimeError, match="disk full"):
        store.import_csv(io.StringIO("name,aliases,note\n" + rows), actor="import")
    assert store.entries(None) == [] and store.version() == version
    assert secondary_indexes(store) == INDEXES
    monkeypatch.setattr(bulk._Writer, "write", written)
    assert store.import_csv(io.StringIO("name,aliases,note\n" + rows), actor="import").added == 5


INDEXES = {
    "ix_optout_person_status",
    "ix_optout_alias_person_id",
    "ix_optout_alias_key",
    "ix_optout_alias_claim",
    "ix_optout_alias_index_format",
    "ix_optout_audit_person_id",
}


def secondary_indexes(store: OptoutStore) -> set[str | None]:
    engine = sqlalchemy.create_engine(store.url)
    try:
        inspector = sqlalchemy.inspect(engine)
        return {
            index["name"]
            for table in ("optout_person", "optout_alias", "optout_audit")
            for index in inspector.get_indexes(table)
        }
    finally:
        engine.dispose()


def test_a_first_load_rebuilds_the_indexes(store: OptoutStore) -> None:
    result = store.import_csv(io.StringIO(CSV), actor="import")
    assert result.added == 2
    assert secondary_indexes(store) == INDEXES
