"""OpenTelemetry spans: one per check, one per detector under it (the `otel` extra)."""

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from depiction import Engine


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    trace.set_tracer_provider(provider)
    return exported


def test_a_check_is_a_span_with_one_child_per_detector(
    exporter: InMemorySpanExporter, engine: Engine
) -> None:
    exporter.clear()
    decision = engine.check("nude photo of Taylor Swift")
    spans = exporter.get_finished_spans()
    (check,) = [s for s in spans if s.name == "depiction.check"]
    assert check.attributes is not None
    assert check.attributes["depiction.action"] == "refuse"
    assert check.attributes["depiction.decision_id"] == decision.decision_id
    detectors = [s for s in spans if s.name.startswith("depiction.detector.")]
    names = {s.name.removeprefix("depiction.detector.") for s in detectors}
    assert {"sexual", "real_person", "learned"} <= names
    assert all(
        s.parent is not None and s.parent.span_id == check.context.span_id for s in detectors
    )
