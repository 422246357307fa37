"""Detectors backed by a shipped term list (``data/lexicons/<name>.yaml``)."""

from __future__ import annotations

import re
from importlib import resources
from typing import ClassVar, Self

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from depiction.decision import Signal
from depiction.detectors.base import Detector, LoadContext
from depiction.errors import DataError
from depiction.matching import TermMatcher
from depiction.normalize import NormalizedText
from depiction.request import Request

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class _Terms(BaseModel):
    """Terms per language, keyed by ISO 639 code (`en`, `zh`, `fr`, ...): adding a language
    is adding a key. Terms of every language are matched in every prompt, since prompts mix
    languages and language identification of a short prompt can be wrong."""

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="after")
    def _languages(self) -> Self:
        for code, terms in (self.model_extra or {}).items():
            if not LANGUAGE_CODE.match(code):
                raise ValueError(f"'{code}' is not an ISO 639 language code")
            if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                raise ValueError(f"'{code}' must be a list of terms")
        return self

    def by_language(self) -> dict[str, list[str]]:
        return dict(self.model_extra or {})

    def all(self) -> list[str]:
        return [term for terms in self.by_language().values() for term in terms]


class _Kind(_Terms):
    description: str


class LexiconFile(BaseModel):
    """Schema of a lexicon file: provenance is mandatory, every kind says what it means."""

    model_config = ConfigDict(extra="forbid")

    provenance: str
    kinds: dict[str, _Kind]
    exceptions: _Terms = _Terms()


def read_lexicon(name: str) -> LexiconFile:
    """Load and validate a shipped lexicon by file stem."""
    source = resources.files("depiction") / "data" / "lexicons" / f"{name}.yaml"
    try:
        return LexiconFile.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise DataError(f"lexicon {name}.yaml is invalid: {error}") from error


class LexiconDetector(Detector):
    """Emits one signal per term match; the kind is the lexicon section the term is listed in."""

    lexicon: ClassVar[str | None] = None
    """File stem under data/lexicons; defaults to the detector name."""

    def __init__(self) -> None:
        self._matcher: TermMatcher[str] | None = None

    def load(self, context: LoadContext) -> None:
        stem = self.lexicon or self.name
        lexicon = read_lexicon(stem)
        unknown = set(lexicon.kinds) - set(self.signals)
        if unknown:
            raise DataError(
                f"lexicon {stem}.yaml lists kinds {sorted(unknown)} "
                f"that detector '{self.name}' does not declare"
            )
        terms = [(term, kind) for kind, entry in lexicon.kinds.items() for term in entry.all()]
        self._matcher = TermMatcher(context.normalizer, terms, lexicon.exceptions.all())

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        assert self._matcher is not None, "load() was not called"
        return [
            Signal(
                kind=match.payload,
                span=text.quote(text.words, match.start, match.end),
                source=self.name,
            )
            for match in self._matcher.find(text.words)
        ]
