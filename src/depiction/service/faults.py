"""Write faults the service met lately (a full disk under the registry or the decision log).

Each is counted in a metric and reported by `/readyz`, which answers not-ready while one is
recent in any worker, so a load balancer stops sending traffic whose records would be lost. A fault is
"recent" for a fixed window rather than until a later write succeeds: a replica taken out of
rotation receives no writes that could clear it.
"""

from __future__ import annotations

import logging
import threading
import time

from depiction.service.metrics import ServiceMetrics

logger = logging.getLogger(__name__)
WINDOW_S = 30.0


class Faults:
    """The last write failure per component ("registry", "decision_log"), shared by every
    worker through the metrics (a gauge of its time), with this worker's own messages."""

    def __init__(self, metrics: ServiceMetrics, window_s: float = WINDOW_S) -> None:
        self._metrics, self._window = metrics, window_s
        self._messages: dict[str, str] = {}
        self._lock = threading.Lock()

    def record(self, component: str, message: str) -> None:
        """Count one failed write; log one line when a component starts failing, not one per
        record (a full disk would otherwise flood the log it cannot write either)."""
        self._metrics.write_failures.labels(component).inc()
        with self._lock:
            starting = component not in self.recent()
            self._messages[component] = message[:300]
            self._metrics.last_write_failure.labels(component).set(time.time())
        if starting:
            logger.error("%s writes are failing: %s", component, message)

    def recent(self) -> dict[str, str]:
        """Components whose last failure, in any worker, is within the window, with this
        worker's message for it when it has one."""
        now = time.time()
        return {
            component: self._messages.get(component, "a write failed in another worker")
            for component, at in self._metrics.last_write_failures().items()
            if now - at < self._window
        }
