"""The decision contract (DESIGN.md §1): stable JSON that callers and logs rely on."""

import uuid
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Action = Literal["allow", "revise", "refuse"]
Effect = Action
# Precedence is independent of rule order: any refuse wins, then revise, then allow.
PRECEDENCE: dict[Effect, int] = {"refuse": 2, "revise": 1, "allow": 0}


def winning_effect(effects: Iterable[Effect]) -> Effect:
    """The effect that decides among matched rules' effects; allow when none matched."""
    return max(effects, key=PRECEDENCE.__getitem__, default="allow")


Span = tuple[int, int, str]


class Signal(BaseModel):
    """One piece of evidence a detector found, with where it was found."""

    model_config = ConfigDict(frozen=True)

    kind: str = Field(description="Signal kind, e.g. 'sexual', 'minor', 'context.history'.")
    score: float = Field(default=1.0, ge=0.0, le=1.0)
    span: Span | None = Field(
        default=None, description="[start, end, text] in the original prompt, if textual."
    )
    source: str = Field(description="Name of the detector that emitted it.")
    data: dict[str, Any] = Field(default_factory=dict)


class RuleHit(BaseModel):
    """A policy rule whose condition held, with its explanation rendered for this request."""

    model_config = ConfigDict(frozen=True)

    id: str
    category: str
    effect: Effect
    explanation: str


class PolicyRef(BaseModel):
    """Which policy decided: name, version and content hash, so decisions are reproducible."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str
    sha256: str


class Decision(BaseModel):
    """The outcome of one check."""

    model_config = ConfigDict(frozen=True)

    action: Action
    categories: list[str]
    rules: list[RuleHit]
    revised_prompt: str | None
    signals: list[Signal]
    policy: PolicyRef
    latency_ms: float
    language: str | None = Field(
        default=None,
        description="The prompt's language as identified (ISO 639-1 where one exists, "
        "'und' when none could be), the `lang` that policy conditions saw.",
    )
    decision_id: str = Field(
        default_factory=lambda: uuid.uuid4().hex,
        description="Unique per decision, from the library, the CLI and the service alike: "
        "what decision logs, appeals and gateway headers refer to.",
    )

    def explanation(self) -> str:
        """One sentence per category, the first matching rule's: rules of one category say
        the same thing in other words, so a refusal reads as one reason, not several."""
        if not self.rules:
            return "No policy rule matched; the request is allowed."
        first = {hit.category: hit.explanation for hit in reversed(self.rules)}
        return " ".join(dict.fromkeys(first[hit.category] for hit in self.rules))
