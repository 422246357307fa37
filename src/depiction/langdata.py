"""Per-language data (``data/languages/<code>.yaml``): style connectors, name inflections,
filler words, how ages are stated. Adding a language is adding a file; the phrases of every language apply to
every prompt, since prompts mix languages and short ones are often misidentified."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from depiction.errors import DataError


class AgeWords(BaseModel):
    """How the language states a person's age ("12 años", "zwölfjährige", "열두 살"), for the
    minors detector. A trailing ``*`` makes a word a prefix ("jährig*" finds "12-jährige")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    units: list[str] = Field(default_factory=list)
    """Words right after a number that make it an age."""
    numbers: dict[str, int] = Field(default_factory=dict)
    """Numbers spelt as words, usable before a unit."""
    ages: dict[str, int] = Field(default_factory=dict)
    """Single words that state an age ("quattordicenne")."""
    before: list[str] = Field(default_factory=list)
    """Words right before a number that make it an age ("عمرها 12")."""
    not_before: list[str] = Field(default_factory=list)
    not_after: list[str] = Field(default_factory=list)
    """Words around a number and unit that make it a duration, not an age ("hace 12 años")."""


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
    markers: list[str] = Field(default_factory=list)
    """Common words of this language and few others ("the", "desnuda", "mädchen"): they decide a
    short prompt's language where the statistical identifier is unsure."""
    questions: list[str] = Field(default_factory=list)
    """Openers of a question asking for information ("what is", "warum", "为什么")."""
    picture_words: list[str] = Field(default_factory=list)
    """Words that ask for or name a picture ("draw", "photo", "poster"): a question with one of
    them asks for an image, not for information."""
    age: AgeWords = AgeWords()


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
