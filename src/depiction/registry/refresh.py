"""Rebuild something derived from the registry when the registry changes, without a restart.

The registry's version is read at most once per `REFRESH_SECONDS`: by the checks, and by one
background thread per process every `_TICK` seconds, so that a process no request reached
for a while (a quiet replica behind a load balancer) has applied a change before its next
check rather than at it. When the version changed, the new value is built (or updated from
the current one) on a background thread while checks go on with the current one, then
swapped in: a change takes effect within about a second plus the build time, whatever the
traffic, and no check ever waits for a build. The opt-out matcher updates over the changed
people only, in milliseconds; a full build at a million people takes seconds.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
REFRESH_SECONDS = 1.0
_TICK = 0.25  # how often the background thread asks: at most this late after REFRESH_SECONDS
logger = logging.getLogger(__name__)
_holders: weakref.WeakSet[Refreshing[object]] = weakref.WeakSet()
_poller: threading.Thread | None = None
_poller_lock = threading.Lock()


class Refreshing(Generic[T]):
    """Holds `build()`'s result and rebuilds it in the background when `version()` changes:
    with `update(current)` when given (cheaper than building anew), else with `build()`."""

    def __init__(
        self,
        version: Callable[[], Hashable],
        build: Callable[[], T],
        update: Callable[[T], T] | None = None,
    ) -> None:
        self._version = version
        self._build = build
        self._update = update
        self._lock = threading.Lock()
        self._seen = version()
        self._value = build()
        self._checked_at = time.monotonic()
        self._building: threading.Thread | None = None
        _poll_in_background(self)

    def get(self) -> T:
        """The current value. May re-read the version (raising if the registry is broken,
        so checks fail closed) and start a rebuild; never waits for one."""
        if time.monotonic() - self._checked_at >= REFRESH_SECONDS and self._lock.acquire(
            blocking=False
        ):
            try:
                version = self._version()
                if version != self._seen and self._building is None:
                    self._building = threading.Thread(
                        target=self._rebuild, args=(version,), daemon=True
                    )
                    self._building.start()
                self._checked_at = time.monotonic()
            finally:
                self._lock.release()
        return self._value

    def _rebuild(self, version: Hashable) -> None:
        try:
            self._value = self._build() if self._update is None else self._update(self._value)
            self._seen = version
        except Exception:  # keep serving the last good value; the next check retries
            logger.exception("rebuilding from the registry failed")
        finally:
            self._building = None


def _poll_in_background(holder: Refreshing[T]) -> None:
    """Have the process's background thread call `holder.get()` every `_TICK` seconds for as
    long as the holder lives (a weak reference: it never keeps one alive)."""
    global _poller
    with _poller_lock:
        _holders.add(holder)  # type: ignore[arg-type]
        if _poller is None or not _poller.is_alive():
            _poller = threading.Thread(target=_poll, name="registry-refresh", daemon=True)
            _poller.start()


def _poll() -> None:
    while True:
        time.sleep(_TICK)
        for holder in list(_holders):
            try:
                holder.get()
            except Exception:  # the registry is down: the checks fail closed on their own
                logger.debug("reading the registry version failed", exc_info=True)
