"""Prometheus metrics, one registry per app so several apps (and tests) never collide; with
several worker processes, summed across them (prometheus-client's multiprocess mode)."""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


class ServiceMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.decisions = Counter(
            "depiction_decisions", "Decisions by action and category.", ["action", "category"],
            registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "depiction_check_seconds", "Time to decide one request.",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5),
            registry=self.registry,
        )  # fmt: skip
        self.errors = Counter(
            "depiction_request_errors",
            "Rejected requests by error code.",
            ["code"],
            registry=self.registry,
        )
        self.upstream_latency = Histogram(
            "depiction_upstream_seconds", "Time the image backend took, by endpoint.", ["endpoint"],
            buckets=(0.1, 0.5, 1, 2, 5, 10, 20, 40, 80), registry=self.registry,
        )  # fmt: skip
        self.detector_errors = Counter(
            "depiction_detector_errors", "Checks that failed closed because a detector failed.",
            registry=self.registry,
        )  # fmt: skip
        self.write_failures = Counter(
            "depiction_write_failures", "Failed writes (a full disk) by component: registry, "
            "decision_log.", ["component"], registry=self.registry,
        )  # fmt: skip
        self.last_write_failure = Gauge(
            "depiction_last_write_failure_timestamp_seconds",
            "When a write last failed, by component (the latest of every worker).",
            ["component"], registry=self.registry, multiprocess_mode="max",
        )  # fmt: skip

    def exposition(self) -> bytes:
        """The text a scrape gets: every worker's values when `serve --workers N` (N > 1)
        set the multiprocess folder, else this process's."""
        return generate_latest(self._merged())

    def last_write_failures(self) -> dict[str, float]:
        """Unix time of the latest failed write per component, in any worker: `/readyz` is
        answered by one worker, but a full disk fails every worker's writes."""
        return {
            sample.labels["component"]: sample.value
            for family in self._merged().collect()
            if family.name == "depiction_last_write_failure_timestamp_seconds"
            for sample in family.samples
        }

    def _merged(self) -> CollectorRegistry:
        if not os.environ.get(MULTIPROCESS_DIR):
            return self.registry
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
        return merged
