"""Quality gates for `depiction eval` in CI: a policy change that measures below the floors the
operator set fails the build instead of printing a number nobody reads."""

from __future__ import annotations

from dataclasses import dataclass

from depiction.errors import DepictionError
from depiction.evaluation.metrics import Summary
from depiction.evaluation.report import Evaluation

LANGUAGE_SCOPE = "lang:"
FLAGS = {
    "accuracy": "--fail-under",
    "hard_harm_recall": "--min-recall",
    "over_refusal": "--max-over-refusal",
}


class GateError(DepictionError):
    """A gate that cannot be read or that names nothing in the datasets."""


@dataclass(frozen=True)
class Gate:
    """One limit: `metric` of the cases in `scope` (all, a category or `lang:xx`) compared
    with `rate`; over-refusal is limited from above, the other metrics from below."""

    metric: str
    rate: float
    scope: str = ""

    @property
    def most(self) -> bool:
        return self.metric == "over_refusal"

    @property
    def flag(self) -> str:
        scoped = f"{self.scope}=" if self.scope else ""
        return f"{FLAGS[self.metric]} {scoped}{self.rate:g}"


def rate(text: str) -> float:
    """A share written as `0.95` or `95%`."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise GateError(f"{text!r} is not a rate (write 0.95 or 95%)") from None
    if not 0.0 <= value <= 1.0:
        raise GateError(f"rate {text!r} is outside 0..1")
    return value


def gate(metric: str, text: str) -> Gate:
    """`RATE` (over every case) or `SCOPE=RATE`, SCOPE a category or `lang:xx`."""
    scope, _, value = text.rpartition("=")
    return Gate(metric, rate(value), scope.strip())


def failures(evaluation: Evaluation, gates: list[Gate]) -> list[str]:
    """One sentence per gate the evaluation does not meet."""
    problems = []
    for limit in gates:
        measured: float = getattr(_scoped(evaluation, limit.scope), limit.metric)
        if (measured > limit.rate) if limit.most else (measured < limit.rate):
            where = f" in {limit.scope}" if limit.scope else ""
            relation = "above" if limit.most else "under"
            problems.append(
                f"{limit.metric.replace('_', '-')}{where} {measured:.1%} is {relation} "
                f"{limit.rate:.1%} ({limit.flag})"
            )
    return problems


def _scoped(evaluation: Evaluation, scope: str) -> Summary:
    if not scope:
        return evaluation.summary
    if scope.startswith(LANGUAGE_SCOPE):
        groups, name = evaluation.by_language, scope.removeprefix(LANGUAGE_SCOPE)
    else:
        groups, name = evaluation.by_category, scope
    if name not in groups:
        known = ", ".join(sorted(groups))
        raise GateError(f"no case in {scope!r}: the datasets hold {known}")
    return groups[name]
