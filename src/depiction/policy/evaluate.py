"""Evaluate a compiled policy over a request's signals.

Precedence does not depend on rule order: any matching `refuse` rule wins, else any
`revise` (all their rewrites are applied), else `allow`. The decision lists the rules of the
winning effect, each with its explanation quoting the user's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from depiction.decision import Action, RuleHit, Signal, winning_effect
from depiction.errors import PolicyError
from depiction.policy.explanations import EMPTIED_SUFFIX
from depiction.policy.loader import Policy
from depiction.policy.rewrite import apply_rewrites, leaves_nothing
from depiction.policy.schema import PLACEHOLDER, Rule


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
    action: Action = winning_effect(r.effect for r in matched)
    winners = [rule for rule in matched if rule.effect == action]
    if action != "revise":
        return Outcome(action, [_hit(policy, r, action, lang, signals) for r in winners], None)
    rewrites = [r.rewrite for r in winners if r.rewrite is not None]
    revised = apply_rewrites(prompt, rewrites, signals)
    emptied = [
        (rule, rule.rewrite.refuse_if_empty)
        for rule in winners
        if rule.rewrite is not None
        and rule.rewrite.refuse_if_empty
        and leaves_nothing(revised, rule.rewrite.filler)
    ]
    if emptied:  # nothing but the restricted part was asked for
        return Outcome(
            "refuse", [_hit(policy, r, "refuse", lang, signals, text) for r, text in emptied], None
        )
    return Outcome("revise", [_hit(policy, r, "revise", lang, signals) for r in winners], revised)


def _hit(
    policy: Policy,
    rule: Rule,
    effect: Action,
    lang: str,
    signals: list[Signal],
    emptied: str | None = None,
) -> RuleHit:
    """The rule's hit, explained in `lang` where the policy has a translation; `emptied` is
    the refusal text of a revise rule that left nothing to generate."""
    keys: tuple[str, ...]
    if emptied is None:
        keys, fallback = (rule.id, rule.category), rule.explanation
    else:
        keys, fallback = (rule.id + EMPTIED_SUFFIX,), emptied
    template = policy.explanations.template(keys, lang, fallback)
    return RuleHit(
        id=rule.id,
        category=rule.category,
        effect=effect,
        explanation=render_explanation(template, signals),
    )


def render_explanation(template: str, signals: list[Signal]) -> str:
    """Fill ``{kind}`` with the first text that signal matched, else the input image it was
    found in ("image 2"), else the kind's name."""

    def quote(match: re.Match[str]) -> str:
        kind = match.group(1)
        of_kind = [signal for signal in signals if signal.kind == kind]
        for signal in of_kind:
            if signal.span is not None:
                return signal.span[2]
        for signal in of_kind:
            if isinstance(signal.data.get("image"), int):
                return f"image {signal.data['image']}"
        return kind.rsplit(".", 1)[-1].replace("_", " ")

    return PLACEHOLDER.sub(quote, template)
