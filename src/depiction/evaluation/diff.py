"""What changes between two policies on a dataset: every case whose decision moves."""

from __future__ import annotations

from dataclasses import dataclass

from depiction.decision import PRECEDENCE
from depiction.evaluation.metrics import Prediction


@dataclass(frozen=True)
class Change:
    """One case decided differently by policy B than by policy A."""

    before: Prediction
    after: Prediction

    @property
    def direction(self) -> str:
        """'stricter' (B refuses or revises where A did less), 'more permissive', or
        'rewritten' (both revise, differently)."""
        before, after = PRECEDENCE[self.before.action], PRECEDENCE[self.after.action]
        if before == after:
            return "rewritten"
        return "stricter" if after > before else "more permissive"


def changes(before: list[Prediction], after: list[Prediction]) -> dict[str, list[Change]]:
    """Changed cases grouped by direction, in dataset order."""
    grouped: dict[str, list[Change]] = {"stricter": [], "more permissive": [], "rewritten": []}
    for a, b in zip(before, after, strict=True):
        if (a.action, a.revised_prompt) != (b.action, b.revised_prompt):
            change = Change(a, b)
            grouped[change.direction].append(change)
    return grouped
