"""Rebuild something derived from the registry when the registry changes, without a restart.

The registry's version is read at most once per `REFRESH_SECONDS`, so checks stay cheap and a
change takes effect within about a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
REFRESH_SECONDS = 1.0


class Refreshing(Generic[T]):
    """Holds `build()`'s result and rebuilds it when `version()` changes."""

    def __init__(self, version: Callable[[], Hashable], build: Callable[[], T]) -> None:
        self._version = version
        self._build = build
        self._lock = threading.Lock()
        self._seen = version()
        self._value = build()
        self._checked_at = time.monotonic()

    def get(self) -> T:
        """The current value; may first re-read the version and rebuild (thread-safe).

        One caller does the re-read and any rebuild; callers arriving meanwhile keep using
        the current value instead of waiting, so a large rebuild never stalls every check.
        """
        if time.monotonic() - self._checked_at >= REFRESH_SECONDS and self._lock.acquire(
            blocking=False
        ):
            try:
                now = time.monotonic()
                if now - self._checked_at >= REFRESH_SECONDS:
                    version = self._version()
                    if version != self._seen:
                        self._value = self._build()
                        self._seen = version
                    self._checked_at = now
            finally:
                self._lock.release()
        return self._value
