"""Evaluate a compiled policy over a request's signals.

Precedence does not depend on rule order: any matching `refuse` rule wins, else any
`revise` (all their rewrites are applied), else `allow`. The decision lists the rules of the
winning effect, each with its explanation quoting the user's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from depiction.decision import PRECEDENCE, Action, RuleHit, Signal
from depiction.errors import PolicyError
from depiction.policy.loader import Policy
from depiction.policy.rewrite import apply_rewrites
from depiction.policy.schema import PLACEHOLDER


@dataclass(frozen=True)
class Outcome:
    """What the rules decided for one request."""

    action: Action
    hits: list[RuleHit]
    revised_prompt: str | None


def evaluate(policy: Policy, prompt: str, mode: str, lang: str, signals: list[Signal]) -> Outcome:
    """Apply every rule; raises `PolicyError` if a condition fails at run time."""
    activation = policy.environment.activation(signals, mode, lang)
    matched = []
    for compiled in policy.rules:
        value = compiled.condition.eval(activation).value()
        if not isinstance(value, bool):
            raise PolicyError(
                f"rule '{compiled.rule.id}': condition did not give a boolean: {value}"
            )
        if value:
            matched.append(compiled.rule)
    action: Action = max((r.effect for r in matched), key=PRECEDENCE.__getitem__, default="allow")
    winners = [rule for rule in matched if rule.effect == action]
    hits = [
        RuleHit(
            id=rule.id,
            category=rule.category,
            effect=rule.effect,
            explanation=render_explanation(rule.explanation, signals),
        )
        for rule in winners
    ]
    revised = None
    if action == "revise":
        revised = apply_rewrites(prompt, [r.rewrite for r in winners if r.rewrite], signals)
    return Outcome(action, hits, revised)


def render_explanation(template: str, signals: list[Signal]) -> str:
    """Fill ``{kind}`` with the first text that signal matched (or the kind's name)."""

    def quote(match: re.Match[str]) -> str:
        kind = match.group(1)
        for signal in signals:
            if signal.kind == kind and signal.span is not None:
                return signal.span[2]
        return kind.rsplit(".", 1)[-1].replace("_", " ")

    return PLACEHOLDER.sub(quote, template)
