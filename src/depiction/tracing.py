"""OpenTelemetry spans for each check and each detector, when the `otel` extra is installed.

With `opentelemetry-api` present, a check is a `depiction.check` span with one child span per
detector that ran, so a slow or failing detector shows up in the operator's own tracing; the
spans go wherever the application's tracer provider sends them. Until the application sets
one, and without the extra, `span` does nothing: a no-op span still costs about 10 µs, and a
check opens one per detector.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    from opentelemetry import trace
except ImportError:  # the extra is optional
    trace = None  # type: ignore[assignment]

_TRACER = trace.get_tracer("depiction") if trace is not None else None


@contextmanager
def span(name: str, **attributes: str | int | float | bool) -> Iterator[Any]:
    """A span named `name` (a no-op without OpenTelemetry); yields it, to add attributes."""
    if _TRACER is None or isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        yield None
        return
    with _TRACER.start_as_current_span(name, attributes=attributes) as current:
        yield current
