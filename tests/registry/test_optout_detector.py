"""The opt-out registry through the whole engine: refusals, privacy, refresh without restart."""

import sqlite3

import pytest

from depiction import Engine
from depiction.registry import refresh
from depiction.registry.store import OptoutStore

from .test_refresh import eventually


@pytest.fixture
def engine(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(refresh, "REFRESH_SECONDS", 0.0)
    OptoutStore(sqlite_url).add(
        "Scarlett Johansson", ["斯嘉丽·约翰逊"], "private note", actor="admin"
    )
    return Engine.default(database_url=sqlite_url)


def test_registered_person_is_refused_with_only_the_id(engine: Engine) -> None:
    decision = engine.check("a watercolor of scarlett johannson reading")
    assert decision.action == "refuse"
    assert decision.categories == ["optout_person"]
    assert "asked not to be depicted" in decision.rules[0].explanation
    signal = next(s for s in decision.signals if s.kind == "optout_person")
    assert signal.data == {"registry_id": 1}
    dumped = decision.model_dump_json()
    assert "private note" not in dumped and "斯嘉丽" not in dumped


def test_other_people_stay_allowed(engine: Engine) -> None:
    assert engine.check("Scarlett O'Hara on a staircase, oil painting").action == "allow"


def test_changes_take_effect_without_a_restart(engine: Engine, sqlite_url: str) -> None:
    store = OptoutStore(sqlite_url)
    assert engine.check("Keanu Reeves on a motorbike").action == "allow"
    keanu = store.add("Keanu Reeves", actor="admin")
    assert eventually(lambda: engine.check("Keanu Reeves on a motorbike").action == "refuse")
    store.revoke(keanu.id, actor="admin")
    assert eventually(lambda: engine.check("Keanu Reeves on a motorbike").action == "allow")


def test_refresh_is_rate_limited(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "REFRESH_SECONDS", 3600.0)
    engine = Engine.default(database_url=sqlite_url)
    OptoutStore(sqlite_url).add("Keanu Reeves", actor="admin")
    assert engine.check("Keanu Reeves").action == "allow"  # not yet re-read: cheap checks
    monkeypatch.setattr(refresh, "REFRESH_SECONDS", 0.0)
    assert eventually(lambda: engine.check("Keanu Reeves").action == "refuse")


def test_broken_registry_at_check_time_fails_closed(engine: Engine, sqlite_url: str) -> None:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as connection:
        connection.execute("DROP TABLE optout_audit")  # the registry breaks under a running engine
    decision = engine.check("a cat on a sofa")
    assert decision.action == "refuse"
    assert decision.rules[0].id == "system.detector_error"
