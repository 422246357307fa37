"""Explanations in the user's language: the policy's `explanations` table, checked and looked up.

A rule's own `explanation` is the fallback (English in the shipped policy). The table gives,
per key and language, the sentence shown instead: the key is a rule id, a category (shared
by all its rules, so a refusal reads as one sentence however many rules agree), `<rule
id>.refuse_if_empty` for a revise rule's emptied-prompt refusal, or `system` for a check that
could not be completed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from depiction.policy.schema import PLACEHOLDER, PolicyFile

SYSTEM_KEY = "system"
"""The key for the refusal given when a detector or the policy fails at run time."""
EMPTIED_SUFFIX = ".refuse_if_empty"
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class Explanations:
    """Translated explanation templates: key → language → template."""

    table: Mapping[str, Mapping[str, str]]

    def template(self, keys: Iterable[str], lang: str | None, fallback: str) -> str:
        """The first of `keys` with a template in `lang`, else `fallback`."""
        if lang:
            for key in keys:
                found = self.table.get(key, {}).get(lang)
                if found is not None:
                    return found
        return fallback

    def languages(self) -> list[str]:
        """Every language some explanation is given in."""
        return sorted({lang for by_lang in self.table.values() for lang in by_lang})


def check_explanations(spec: PolicyFile, kinds: set[str]) -> list[tuple[tuple[str, ...], str]]:
    """Problems in `spec.explanations`, each as (YAML location, message); empty when valid."""
    keys = {SYSTEM_KEY}
    for rule in spec.rules:
        keys |= {rule.id, rule.category}
        if rule.rewrite is not None and rule.rewrite.refuse_if_empty:
            keys.add(rule.id + EMPTIED_SUFFIX)
    problems: list[tuple[tuple[str, ...], str]] = []
    for key, by_lang in spec.explanations.items():
        if key not in keys:
            problems.append(
                (
                    ("explanations", key),
                    f"explanations: '{key}' is not a rule id, a category of a rule, "
                    f"'<rule id>{EMPTIED_SUFFIX}' or '{SYSTEM_KEY}'",
                )
            )
            continue
        for lang, template in by_lang.items():
            where = ("explanations", key, lang)
            if not LANGUAGE_CODE.match(lang):
                problems.append((where, f"explanations.{key}: '{lang}' is not an ISO 639 code"))
            for name in PLACEHOLDER.findall(template):
                if name not in kinds:
                    problems.append(
                        (
                            where,
                            f"explanations.{key}.{lang}: placeholder '{{{name}}}' is not a "
                            "signal kind of the enabled detectors",
                        )
                    )
    return problems
