"""Write faults the service met lately (a full disk under the registry or the decision log).

Each is counted in a metric and reported by `/readyz`, which answers not-ready while one is
recent, so a load balancer stops sending traffic whose records would be lost. A fault is
"recent" for a fixed window rather than until a later write succeeds: a replica taken out of
rotation receives no writes that could clear it.
"""

from __future__ import annotations

import logging
import threading
import time

from prometheus_client import Counter

logger = logging.getLogger(__name__)
WINDOW_S = 30.0


class Faults:
    """The last write failure per component ("registry", "decision_log")."""

    def __init__(self, counter: Counter, window_s: float = WINDOW_S) -> None:
        self._counter, self._window = counter, window_s
        self._last: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def record(self, component: str, message: str) -> None:
        """Count one failed write; log one line when a component starts failing, not one per
        record (a full disk would otherwise flood the log it cannot write either)."""
        self._counter.labels(component).inc()
        with self._lock:
            starting = component not in self._recent()
            self._last[component] = (time.monotonic(), message[:300])
        if starting:
            logger.error("%s writes are failing: %s", component, message)

    def recent(self) -> dict[str, str]:
        """Components whose last failure is within the window, with its message."""
        with self._lock:
            return self._recent()

    def _recent(self) -> dict[str, str]:
        now = time.monotonic()
        return {c: m for c, (at, m) in self._last.items() if now - at < self._window}
