"""Matcher keys stored with each alias: written by every path, filled in for aliases stored
before them, recomputed from the names when stale or of another matcher version, and refused
loudly when damaged."""

import io
from pathlib import Path

import pytest
import sqlalchemy

from depiction.errors import RegistryError
from depiction.normalize import Normalizer
from depiction.registry import matcher, names
from depiction.registry.database import _migrate
from depiction.registry.index_cache import open_index, refreshed
from depiction.registry.matcher import MATCHER_VERSION, alias_keys
from depiction.registry.names import forms
from depiction.registry.store import OptoutStore

normalizer = Normalizer()


def found(store: OptoutStore, prompt: str) -> list[int]:
    index = open_index(store, None).index
    return [m.person_id for m in index.find(normalizer.normalize(prompt).words)]


def stored_keys(url: str) -> list[tuple[str, bytes | None, int | None]]:
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT forms, index_keys, index_format FROM optout_alias ORDER BY id"
        ).all()
    engine.dispose()
    return [(f, None if k is None else bytes(k), v) for f, k, v in rows]


def claims(url: str) -> list[tuple[str, str | None]]:
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT key, claim FROM optout_alias ORDER BY id").all()
    engine.dispose()
    return [(key, claim) for key, claim in rows]


def set_keys(url: str, sql: str) -> None:
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE optout_alias SET {sql}")
    engine.dispose()


def test_every_write_path_stores_current_keys(store: OptoutStore, database_url: str) -> None:
    store.add("Scarlett Johansson", ["斯嘉丽·约翰逊"], actor="admin")
    store.add("Lei Jun", actor="self-service", status="pending")
    store.import_csv(io.StringIO("name,aliases,note\nKeanu Reeves,Keanu,\n"), actor="admin")
    rows = stored_keys(database_url)
    assert len(rows) == 5
    for joined, keys, version in rows:
        assert (keys, version) == (alias_keys(joined.split("|")), MATCHER_VERSION)
    assert all(key == claim for key, claim in claims(database_url))


def test_upgrading_fills_in_keys_for_aliases_stored_before(database_url: str) -> None:
    engine = sqlalchemy.create_engine(database_url)
    _migrate(engine, "0004")
    variants = forms(normalizer, "Scarlett Johansson")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO optout_person (id, display_name, status, note, contact, created_at,"
            " updated_at) VALUES (7, 'Scarlett Johansson', 'active', '', '',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        connection.exec_driver_sql(
            "INSERT INTO optout_alias (person_id, name, key, forms) VALUES"
            f" (7, 'Scarlett Johansson', '{variants[0]}', '{'|'.join(variants)}')"
        )
    engine.dispose()
    store = OptoutStore(database_url)  # upgrades to the latest revision
    assert stored_keys(database_url) == [
        ("|".join(variants), alias_keys(variants), MATCHER_VERSION)
    ]
    assert found(store, "Scarlet Johansson on a beach") == [7]


def test_a_registry_holding_a_name_twice_is_upgraded_without_losing_either(
    database_url: str,
) -> None:
    """Before migration 0006 racing writers could register a name twice: the oldest alias
    claims it, and both entries go on matching until each is revoked."""
    engine = sqlalchemy.create_engine(database_url)
    _migrate(engine, "0005")
    variants = forms(normalizer, "Keanu Reeves")
    with engine.begin() as connection:
        for person_id in (1, 2):
            connection.exec_driver_sql(
                "INSERT INTO optout_person (id, display_name, status, note, contact, created_at,"
                f" updated_at) VALUES ({person_id}, 'Keanu Reeves', 'active', '', '',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
            connection.execute(
                sqlalchemy.text(
                    "INSERT INTO optout_alias (person_id, name, key, forms, index_keys,"
                    " index_format) VALUES (:person, 'Keanu Reeves', :key, :forms, :keys, 1)"
                ),
                {
                    "person": person_id,
                    "key": variants[0],
                    "forms": "|".join(variants),
                    "keys": alias_keys(variants),
                },
            )
    engine.dispose()
    store = OptoutStore(database_url)
    assert claims(database_url) == [(variants[0], variants[0]), (variants[0], None)]
    assert sorted(found(store, "Keanu Reeves")) == [1, 2]
    store.revoke(1, actor="admin")
    assert found(store, "Keanu Reeves") == [2]
    with pytest.raises(RegistryError, match=r"already registered \(entry 2\)"):
        store.add("Keanu Reeves", actor="admin")


@pytest.mark.parametrize(
    "stale",  # stored before there were keys; stored in a format whose layout this one is not
    [
        "index_format = NULL, index_keys = NULL",
        "index_format = 0, index_keys = substr(index_keys, 1, 16)",
    ],
)
def test_keys_of_another_format_are_computed_again(
    store: OptoutStore, database_url: str, stale: str
) -> None:
    first = store.add("Scarlett Johansson", actor="admin")
    live = open_index(store, None)
    second = store.add("Keanu Reeves", actor="admin")
    set_keys(database_url, stale)
    assert found(store, "Scarlett Johansson with Keanu Reeve") == [first.id, second.id]
    changed = refreshed(live, store, None).index  # the changes are read the same way
    assert len(changed.find(normalizer.normalize("Keanu Reeves").words)) == 1


def test_damaged_keys_fail_loudly(store: OptoutStore, database_url: str) -> None:
    person = store.add("Scarlett Johansson", actor="admin")
    set_keys(database_url, "index_keys = substr(index_keys, 1, 16)")
    with pytest.raises(RegistryError, match=f"opt-out entry {person.id} are damaged"):
        open_index(store, None)


def three_letter_blocks(first: str, last: str) -> tuple[str, str]:
    """Another blocking rule for misspellings: three letters of the other token, not two."""
    return f"<{first} {last[:3]}", f">{first[:3]} {last}"


def joined_up_to_four(tokens: list[str]) -> set[str]:
    """Another name-variant rule: names of four tokens get a joined form too."""
    return {" ".join(tokens), "".join(tokens)}


def test_a_new_key_rule_recomputes_rows_and_cache_from_the_names(
    store: OptoutStore, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scarlett = store.add("Scarlett Johansson", actor="admin")
    cache = tmp_path / "matcher.npz"
    open_index(store, cache)  # rows and cache file of the running matcher version
    monkeypatch.setattr(matcher, "_block_pair", three_letter_blocks)
    monkeypatch.setattr(matcher, "MATCHER_VERSION", MATCHER_VERSION + 1)
    upgraded = OptoutStore(database_url)  # a process of the new version opens the registry
    variants = forms(normalizer, "Scarlett Johansson")
    assert stored_keys(database_url) == [
        ("|".join(variants), alias_keys(variants), MATCHER_VERSION + 1)
    ]
    live = open_index(upgraded, cache)  # the old cache file is not trusted
    assert [
        m.person_id for m in live.index.find(normalizer.normalize("Scarlett Johannson").words)
    ] == [scarlett.id]
    assert found(upgraded, "Scarlet Johansson") == [scarlett.id]


def test_a_new_name_rule_recomputes_forms_keys_and_claims_from_the_names(
    store: OptoutStore, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    medici = store.add("Anna Maria Luisa Medici", actor="admin")
    keanu = store.add("Keanu Reeves", actor="admin")
    assert found(store, "annamarialuisamedici") == []
    monkeypatch.setattr(names, "_order_variants", joined_up_to_four)
    monkeypatch.setattr(matcher, "MATCHER_VERSION", MATCHER_VERSION + 1)
    upgraded = OptoutStore(database_url)
    assert found(upgraded, "annamarialuisamedici and Keanu Reeves") == [medici.id, keanu.id]
    assert found(upgraded, "Reeves Keanu") == []  # the new rule has no reversed order
    assert [claim for _, claim in claims(database_url)] == [
        "anna maria luisa medici",
        "keanu reeves",
    ]
    with pytest.raises(RegistryError, match=f"already registered \\(entry {keanu.id}\\)"):
        upgraded.add("KEANU REEVES", actor="admin")
