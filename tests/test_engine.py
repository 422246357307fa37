"""The library API: decisions, bad requests, failing closed (a detector raising, emitting a kind it
never declared, or failing to be weighed), sharing one engine across threads."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from depiction import Engine, PolicyError, RequestError
from depiction.decision import Signal
from depiction.detectors.sexual import SexualDetector
from depiction.policy import Policy, evaluate
from depiction.request import Request


def test_decision_quotes_the_users_words(engine: Engine) -> None:
    decision = engine.check("Ｎ４ＫＥＤ photo of a 12-year-old")
    assert decision.action == "refuse"
    assert decision.categories == ["sexual_minors"]
    assert "'12-year-old'" in decision.rules[0].explanation
    spans = {s.kind: s.span for s in decision.signals}
    assert spans["sexual"][0] == 0
    assert spans["sexual"][2].startswith("Ｎ４ＫＥＤ")
    assert decision.revised_prompt is None
    assert decision.latency_ms > 0


def test_allowed_request_has_no_harm_categories(engine: Engine) -> None:
    decision = engine.check("a watercolor of a lighthouse at dawn")
    assert decision.action == "allow"
    assert decision.rules == []
    assert decision.categories == []


@pytest.mark.parametrize(
    ("prompt", "mode", "message"),
    [
        ("", "generate", "prompt is empty"),
        (" \n\t", "generate", "prompt is empty"),
        ("x" * 4001, "generate", "4,001 characters; the limit is 4,000"),
        ("a cat", "draw", "unknown mode 'draw'"),
        ("caf\udcff", "generate", "not valid UTF-8"),
    ],
)
def test_bad_requests_raise_clear_errors(
    engine: Engine, prompt: str, mode: str, message: str
) -> None:
    with pytest.raises(RequestError, match=message):
        engine.check(prompt, mode=mode)


def test_check_request_enforces_the_length_limit(engine: Engine) -> None:
    with pytest.raises(RequestError, match="limit"):
        engine.check_request(Request(prompt="y" * 5000))


def test_a_failing_detector_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine.default()

    def explode(self: SexualDetector, request: object, text: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(SexualDetector, "detect", explode)
    decision = engine.check("a cat on a sofa")
    assert decision.action == "refuse"
    assert decision.rules[0].id == "system.detector_error"
    assert "sexual" in decision.rules[0].explanation


def test_one_engine_is_safe_across_threads(engine: Engine) -> None:
    prompts = ["a cat", "nude photo of Taylor Swift", "kill the lights", "12岁女孩裸体"] * 50
    expected = [engine.check(p).action for p in prompts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda p: engine.check(p).action, prompts))
    assert got == expected


def test_a_detector_emitting_an_undeclared_kind_fails_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine.default()

    def undeclared(self: SexualDetector, request: object, text: object) -> list[Signal]:
        return [Signal(kind="sexual.brand_new", source="sexual")]

    monkeypatch.setattr(SexualDetector, "detect", undeclared)
    decision = engine.check("a cat on a sofa")
    assert decision.action == "refuse"
    assert decision.rules[0].id == "system.detector_error"
    assert "(sexual failed)" in decision.rules[0].explanation
    assert "sexual.brand_new" not in {signal.kind for signal in decision.signals}


def test_a_fault_deciding_whether_to_run_a_detector_fails_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine.default()
    on_demand = [d.name for d in engine.detectors if d.on_demand and "generate" in d.modes]
    assert on_demand, "the default policy has on-demand detectors for text"

    def explode(*args: object) -> bool:
        raise RuntimeError("boom")

    monkeypatch.setattr(Policy, "could_change", explode)
    decision = engine.check("nude photo of a woman on a beach")
    assert decision.action == "refuse"
    assert decision.rules[0].id == "system.detector_error"
    assert all(name in decision.rules[0].explanation for name in on_demand)


def test_a_policy_refuses_signals_it_has_no_variable_for() -> None:
    policy = Engine.default().policy
    with pytest.raises(PolicyError, match=r"signal kind 'made\.up' is not declared"):
        evaluate(policy, "a cat", "generate", "en", [Signal(kind="made.up", source="x")])
