"""Per-language data (``data/languages/<code>.yaml``): style connectors, name inflections,
filler words. Adding a language is adding a file; the phrases of every language apply to
every prompt, since prompts mix languages and short ones are often misidentified."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from depiction.errors import DataError


class LanguageData(BaseModel):
    """One language's file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    style_before: list[str] = Field(default_factory=list)
    style_after: list[str] = Field(default_factory=list)
    style_wrapping: list[str] = Field(default_factory=list)
    name_prefixes: list[str] = Field(default_factory=list)
    name_suffixes: list[str] = Field(default_factory=list)
    filler: list[str] = Field(default_factory=list)


@cache
def languages() -> dict[str, LanguageData]:
    """Every shipped language's data, by ISO 639 code (read once)."""
    folder = resources.files("depiction") / "data" / "languages"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            found[entry.name.removesuffix(".yaml")] = LanguageData.model_validate(
                yaml.safe_load(entry.read_text(encoding="utf-8"))
            )
        except (yaml.YAMLError, ValidationError) as error:
            raise DataError(f"language file {entry.name} is invalid: {error}") from error
    return found


def merged(field: str) -> list[str]:
    """One field of every language, without repeats, longest first (so the longest
    connector wins where one is a prefix of another)."""
    phrases = {phrase for data in languages().values() for phrase in getattr(data, field)}
    return sorted(phrases, key=lambda phrase: (-len(phrase), phrase))
