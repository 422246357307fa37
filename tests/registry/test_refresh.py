"""Rebuilding on registry changes: in the background, one at a time, and nobody waits."""

import threading
import time
from collections.abc import Callable

import pytest

from depiction.registry import refresh
from depiction.registry.refresh import Refreshing


def eventually(condition: Callable[[], bool], seconds: float = 10) -> bool:
    """Poll until `condition` holds: registry changes apply within about a second."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_rebuilds_only_when_the_version_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "REFRESH_SECONDS", 0.0)
    version, builds = [1], []
    holder = Refreshing(lambda: version[0], lambda: builds.append(version[0]) or version[0])
    assert holder.get() == 1 and holder.get() == 1
    version[0] = 2
    assert eventually(lambda: holder.get() == 2)
    assert builds == [1, 2]


def test_an_update_replaces_the_build_after_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "REFRESH_SECONDS", 0.0)
    version, builds = [1], []

    def build() -> list[int]:
        builds.append(version[0])
        return [version[0]]

    holder = Refreshing(lambda: version[0], build, lambda current: [*current, version[0]])
    version[0] = 2
    assert eventually(lambda: holder.get() == [1, 2])
    version[0] = 3
    assert eventually(lambda: holder.get() == [1, 2, 3])
    assert builds == [1]


def test_nobody_waits_for_a_slow_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "REFRESH_SECONDS", 0.0)
    version = [1]
    started, release = threading.Event(), threading.Event()

    def build() -> int:
        if version[0] == 2:
            started.set()
            release.wait(10)
        return version[0]

    holder = Refreshing(lambda: version[0], build)
    version[0] = 2
    began = time.monotonic()
    assert holder.get() == 1  # starts the rebuild, does not wait for it
    assert started.wait(10)
    assert holder.get() == 1
    assert time.monotonic() - began < 5
    release.set()
    assert eventually(lambda: holder.get() == 2)


def test_a_failed_rebuild_keeps_the_last_good_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "REFRESH_SECONDS", 0.0)
    version, failed = [1], threading.Event()

    def build() -> int:
        if version[0] == 2:
            failed.set()
            raise RuntimeError("registry half-written")
        return version[0]

    holder = Refreshing(lambda: version[0], build)
    version[0] = 2
    holder.get()
    assert failed.wait(10)  # the rebuild ran and failed ...
    assert not eventually(lambda: holder.get() != 1, seconds=0.3)  # ... and 1 was kept
    version[0] = 3
    assert eventually(lambda: holder.get() == 3)
