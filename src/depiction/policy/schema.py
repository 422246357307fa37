"""The policy file schema: what an operator may write, checked strictly when the policy loads."""

from __future__ import annotations

import re
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from depiction.decision import Effect
from depiction.langdata import merged

RULE_ID_PATTERN = r"^[a-z0-9][a-z0-9_.\-]*$"
RESERVED_NAMES = frozenset({"score", "mode", "lang", "params"})
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")
"""`{kind}` in an explanation quotes what that signal matched."""


class Rewrite(BaseModel):
    """How a `revise` rule rewrites the prompt: remove what the named signals matched."""

    model_config = ConfigDict(extra="forbid")

    remove: list[str] = Field(min_length=1, description="Signal kinds whose spans are removed.")
    replacement: str = Field(default="", description="Text put where the first span was.")
    connectors_before: list[str] = Field(
        default_factory=lambda: merged("style_before"),
        description="Phrases removed with a span when they come right before it (default: `style_before` of every language in data/languages).",
    )
    connectors_after: list[str] = Field(
        default_factory=lambda: merged("style_after"),
        description="Phrases removed with a span when they come right after it.",
    )
    connectors_wrapping: list[str] = Field(
        default_factory=lambda: merged("style_wrapping"),
        description="Removed before a span only when a connector follows it ('in X's style').",
    )
    list_kinds: list[str] = Field(
        default_factory=list,
        description="Signal kinds whose spans form lists with removed ones ('by X and Y').",
    )
    refuse_if_empty: str | None = Field(
        default=None,
        description="If set, a rewrite that leaves only filler words refuses with this text.",
    )
    filler: list[str] = Field(
        default_factory=lambda: merged("filler"),
        description="Words that do not count as content when judging an empty rewrite.",
    )


class Rule(BaseModel):
    """One rule: when the CEL condition holds over the signals, the effect applies."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID_PATTERN, description="Stable id, cited in decisions.")
    category: str = Field(min_length=1, description="Taxonomy id, e.g. 'sexual_minors'.")
    effect: Effect
    when: str = Field(min_length=1, description="CEL condition over signal kinds.")
    explanation: str = Field(
        min_length=1, description="Shown to the user; {kind} quotes what that signal matched."
    )
    description: str = Field(default="", description="For operators; not shown to users.")
    rewrite: Rewrite | None = None

    @model_validator(mode="after")
    def _rewrite_iff_revise(self) -> Self:
        if self.effect == "revise" and self.rewrite is None:
            raise ValueError("a 'revise' rule needs a 'rewrite' section")
        if self.effect != "revise" and self.rewrite is not None:
            raise ValueError(f"'rewrite' only applies to 'revise' rules, not '{self.effect}'")
        return self


class PolicyFile(BaseModel):
    """A whole policy file. Precedence is fixed: refuse > revise > allow, whatever the order."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str = ""
    detectors: list[str] | None = Field(
        default=None, description="Detectors to run; all built-ins when omitted."
    )
    params: dict[str, bool | int | float | str] = Field(
        default_factory=dict, description="Operator switches, readable in conditions as params.X."
    )
    rules: list[Rule]
    extend: dict[str, list[str]] = Field(
        default_factory=dict,
        description="The operator's own data files per detector, relative to the policy file: "
        "term lists (lexicon format) for term-list detectors, people (gazetteer TSV) for "
        "real_person.",
    )
    explanations: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Explanations in other languages: rule id or category → ISO 639-1 code → "
        "template; a rule's own `explanation` is used for languages not listed.",
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id '{rule.id}'")
            seen.add(rule.id)
        return self
