"""The matcher's cache file: loaded instead of a rebuild, never trusted when it should not be,
and changes applied over the changed people only."""

import logging
import stat
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import make_url

from depiction.normalize import Normalizer
from depiction.registry import index_cache, matcher
from depiction.registry.config import MATCHER_CACHE_ENV, matcher_cache_path
from depiction.registry.index_cache import LiveIndex, open_index, refreshed
from depiction.registry.store import OptoutStore

from ..conftest import created

normalizer = Normalizer()


def found(live: LiveIndex, prompt: str) -> list[int]:
    return [m.person_id for m in live.index.find(normalizer.normalize(prompt).words)]


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "matcher.npz"


@pytest.fixture
def registry(store: OptoutStore) -> OptoutStore:
    store.add("Scarlett Johansson", ["斯嘉丽·约翰逊"], actor="admin")
    store.add("Keanu Reeves", actor="admin")
    return store


def no_full_build(monkeypatch: pytest.MonkeyPatch, store: OptoutStore) -> None:
    """Make reading every alias fail, so a test knows no full build happened."""

    def refuse() -> None:
        raise AssertionError("the whole registry was read")

    monkeypatch.setattr(store, "active_aliases", refuse)


def test_a_saved_index_is_loaded_instead_of_rebuilt(
    registry: OptoutStore, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = open_index(registry, cache)
    assert cache.exists() and stat.S_IMODE(cache.stat().st_mode) == 0o600
    no_full_build(monkeypatch, registry)
    loaded = open_index(registry, cache)
    assert (loaded.base_version, loaded.version) == (built.version, registry.version())
    assert found(loaded, "Keanu Reeves and 斯嘉丽·约翰逊") == [2, 1]
    assert found(loaded, "Scarlett Johannson") == [1]


def test_changes_apply_without_a_full_build(
    registry: OptoutStore, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = open_index(registry, cache)
    no_full_build(monkeypatch, registry)
    lei = registry.add("Lei Jun", ["雷军"], actor="admin")
    registry.revoke(2, actor="admin")
    live = refreshed(live, registry, cache)
    assert live.index.changed >= 2 and live.version == registry.version()
    assert found(live, "雷軍 and Keanu Reeves and Scarlett Johansson") == [lei.id, 1]
    registry.revoke(lei.id, actor="admin")
    assert found(refreshed(live, registry, cache), "Lei Jun, Keanu Reeves") == []
    # A restart loads the old file and applies the same changes from the audit log.
    assert found(open_index(registry, cache), "Lei Jun, Keanu Reeves, Scarlett Johansson") == [1]


def test_many_changes_are_merged_into_the_saved_index(
    registry: OptoutStore, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_cache, "COMPACT_AT", 2)
    live = open_index(registry, cache)
    no_full_build(monkeypatch, registry)
    registry.add("Lei Jun", actor="admin")
    registry.revoke(2, actor="admin")
    live = refreshed(live, registry, cache)
    assert live.index.changed == 0 and live.base_version == registry.version()
    reopened = open_index(registry, cache)
    assert reopened.base_version == live.base_version and reopened.index.changed == 0
    assert found(reopened, "Lei Jun and Keanu Reeves") == [3]


def test_too_many_changes_rebuild(
    registry: OptoutStore, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_index(registry, cache)
    monkeypatch.setattr(index_cache, "REBUILD_AT", 1)
    registry.add("Lei Jun", actor="admin")
    registry.add("Zhang Ziyi", actor="admin")
    live = open_index(registry, cache)
    assert live.index.changed == 0 and live.base_version == registry.version()
    assert found(live, "Lei Jun and Zhang Ziyi") == [3, 4]


def test_a_cache_of_another_registry_is_not_trusted(
    tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = OptoutStore(created(f"sqlite:///{tmp_path / 'first.db'}"))
    first.add("Keanu Reeves", actor="admin")
    open_index(first, cache)
    other = OptoutStore(
        created(f"sqlite:///{tmp_path / 'other.db'}")
    )  # same version, other history
    other.add("Lei Jun", actor="admin")
    assert other.version() == first.version()
    with caplog.at_level(logging.WARNING):
        live = open_index(other, cache)
    assert "another registry history" in caplog.text
    assert found(live, "Keanu Reeves and Lei Jun") == [1]
    assert found(live, "Keanu Reeves") == []


def test_a_cache_of_another_matcher_version_is_rebuilt(
    registry: OptoutStore, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_index(registry, cache)
    monkeypatch.setattr(matcher, "MATCHER_VERSION", matcher.MATCHER_VERSION + 1)
    rebuilt = open_index(registry, cache)
    assert found(rebuilt, "Keanu Reeves") == [2]
    no_full_build(monkeypatch, registry)
    assert found(open_index(registry, cache), "Keanu Reeves") == [2]  # rewritten as the new one


def damage_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(data))


def unsorted_keys(path: Path) -> None:
    """A well-formed file whose arrays are not: checksums pass, validation must not."""
    with np.load(path) as file:
        arrays = {name: file[name] for name in file.files}
    arrays["exact_keys"] = arrays["exact_keys"][::-1].copy()
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


def empty_arrays(path: Path) -> None:
    """Arrays cut to nothing, well formed: they must not pass for an empty registry."""
    with np.load(path) as file:
        arrays = {name: file[name][:0] if name != "meta" else file[name] for name in file.files}
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
        damage_bytes,
        lambda path: path.write_bytes(b"not a cache file"),
        lambda path: path.write_bytes(b""),
        unsorted_keys,
        empty_arrays,
    ],
    ids=["truncated", "overwritten", "garbage", "empty-file", "unsorted", "emptied-arrays"],
)
def test_a_damaged_cache_is_rebuilt_with_a_warning(
    registry: OptoutStore, cache: Path, caplog: pytest.LogCaptureFixture, damage: object
) -> None:
    open_index(registry, cache)
    assert callable(damage)
    damage(cache)
    with caplog.at_level(logging.WARNING):
        live = open_index(registry, cache)
    assert "matcher cache" in caplog.text and "unreadable" in caplog.text
    assert found(live, "Keanu Reeves and Scarlett Johansson") == [2, 1]


def test_an_unwritable_cache_only_warns(
    registry: OptoutStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with caplog.at_level(logging.WARNING):
        live = open_index(registry, blocker / "matcher.npz")
    assert "cannot write the matcher cache" in caplog.text
    assert found(live, "Keanu Reeves") == [2]


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = OptoutStore(created(f"sqlite:///{tmp_path / 'registry.db'}"))
    monkeypatch.delenv(MATCHER_CACHE_ENV, raising=False)
    beside = matcher_cache_path(store.url)
    assert beside is not None and beside.parent == tmp_path and beside.suffix == ".npz"
    monkeypatch.setenv(MATCHER_CACHE_ENV, str(tmp_path / "elsewhere"))
    moved = matcher_cache_path(store.url)
    assert moved is not None and moved.parent == tmp_path / "elsewhere"
    assert moved.name == beside.name
    monkeypatch.setenv(MATCHER_CACHE_ENV, "off")
    assert matcher_cache_path(store.url) is None
    monkeypatch.delenv(MATCHER_CACHE_ENV)
    server = matcher_cache_path(make_url("postgresql+psycopg://u:secret@db/x"))
    assert server is not None and server.is_absolute() and "depiction" in server.parts
    assert server != matcher_cache_path(make_url("postgresql+psycopg://u:secret@db/y"))
