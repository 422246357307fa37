"""Detectors backed by a shipped term list (``data/lexicons/<name>.yaml``)."""

from __future__ import annotations

from importlib import resources
from typing import ClassVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from depiction.decision import Signal
from depiction.detectors.base import Detector, LoadContext
from depiction.errors import DataError
from depiction.matching import TermMatcher
from depiction.normalize import NormalizedText
from depiction.request import Request


class _Terms(BaseModel):
    model_config = ConfigDict(extra="forbid")

    en: list[str] = []
    zh: list[str] = []

    def all(self) -> list[str]:
        return [*self.en, *self.zh]


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
