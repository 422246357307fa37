"""Metrics on hand-made predictions, where every figure can be worked out by hand."""

from depiction.decision import Action
from depiction.evaluation.dataset import Case
from depiction.evaluation.metrics import Prediction, breakdown, summarize


def prediction(
    expected: str, got: Action, category: str = "x", revised: str | None = None
) -> Prediction:
    case = Case(
        id=f"{expected}-{got}", prompt="p", expected=expected, category=category, restricted="bad"
    )  # type: ignore[arg-type]
    return Prediction(case, got, revised, (), 1.0)


PREDICTIONS = [
    prediction("allow", "allow"),
    prediction("allow", "refuse"),
    prediction("allow", "revise"),
    prediction("allow", "allow"),
    prediction("refuse", "refuse", "sexual_minors"),
    prediction("refuse", "allow", "sexual_minors"),
    prediction("restrict", "revise", "living_artist_style", revised="good words"),
    prediction("restrict", "revise", "living_artist_style", revised="bad words"),
]


def test_headline_figures() -> None:
    summary = summarize(PREDICTIONS)
    assert summary.cases == 8
    assert summary.accuracy == 4 / 8
    assert summary.over_refusal == 2 / 4
    assert summary.under_refusal == 1 / 4
    assert summary.hard_harm_recall == 1 / 2
    assert summary.confusion["allow"] == {"allow": 2, "revise": 1, "refuse": 1}


def test_restrict_counts_a_revision_only_without_the_restricted_span() -> None:
    assert [p.correct for p in PREDICTIONS[-2:]] == [True, False]


def test_bootstrap_intervals_bracket_the_value() -> None:
    summary = summarize(PREDICTIONS, bootstrap=200)
    for name, interval in summary.intervals.items():
        assert interval.low <= getattr(summary, name) <= interval.high
    assert summary.intervals["over_refusal"].n == 4


def test_breakdown_by_category() -> None:
    groups = breakdown(PREDICTIONS, lambda p: p.case.category)
    assert list(groups) == ["living_artist_style", "sexual_minors", "x"]
    assert groups["sexual_minors"].under_refusal == 0.5
