"""Write faults the service met lately (a full disk under the registry or the decision log).

Each is counted in a metric and reported by `/readyz`, which answers not-ready while one is
recent in any worker, so a load balancer stops sending traffic whose records would be
lost. A fault is "recent" for a fixed window rather than until a later write succeeds: a
replica taken out of rotation receives no writes that could clear it.
"""

from __future__ import annotations

import logging
import threading
import time

from depiction.service.metrics import ServiceMetrics

logger = logging.getLogger(__name__)
WINDOW_S = 30.0


class Faults:
    """The last write failure per component ("registry", "decision_log"): this worker's own,
    with its message, and every worker's latest through the metrics (a gauge of its time)."""

    def __init__(self, metrics: ServiceMetrics, window_s: float = WINDOW_S) -> None:
        self._metrics, self._window = metrics, window_s
        self._last: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def record(self, component: str, message: str) -> None:
        """Count one failed write; log one line when a component starts failing in this
        worker, not one per record (a full disk would otherwise flood the log it cannot
        write either). Only this worker's state is read: a full disk fails every write."""
        now = time.time()
        self._metrics.write_failures.labels(component).inc()
        self._metrics.last_write_failure.labels(component).set(now)
        with self._lock:
            last = self._last.get(component)
            self._last[component] = (now, message[:300])
        if last is None or now - last[0] >= self._window:
            logger.error("%s writes are failing: %s", component, message)

    def recent(self) -> dict[str, str]:
        """Components whose last failure, in any worker, is within the window, with this
        worker's message for it when it has one."""
        now = time.time()
        with self._lock:
            messages = {component: message for component, (_, message) in self._last.items()}
        return {
            component: messages.get(component, "a write failed in another worker")
            for component, at in self._metrics.last_write_failures().items()
            if now - at < self._window
        }
