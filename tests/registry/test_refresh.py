"""Rebuilding on registry changes: at most one rebuild at a time, and nobody waits for it."""

import threading
import time

import pytest

from depiction.registry import refresh
from depiction.registry.refresh import Refreshing


def test_rebuilds_only_when_the_version_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "REFRESH_SECONDS", 0.0)
    version, builds = [1], []
    holder = Refreshing(lambda: version[0], lambda: builds.append(version[0]) or version[0])
    assert holder.get() == 1 and holder.get() == 1
    version[0] = 2
    assert holder.get() == 2
    assert builds == [1, 2]


def test_other_callers_keep_the_old_value_during_a_slow_rebuild(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
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
    rebuilder = threading.Thread(target=holder.get)
    rebuilder.start()
    assert started.wait(10)
    began = time.monotonic()
    assert holder.get() == 1  # not blocked behind the rebuild
    assert time.monotonic() - began < 1
    release.set()
    rebuilder.join(10)
    assert holder.get() == 2
