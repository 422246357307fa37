"""Detectors backed by a shipped term list (``data/lexicons/<name>.yaml``).

Terms of every language are matched in every prompt. A term that is an ordinary word of
another language (the English slur "negro" is Spanish and Portuguese for "black") is listed
under ``false_friends:`` with that language's code: it is ignored when the prompt's identified
language (`NormalizedText.language`) is that language, and still matched otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
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
    false_friends: _Terms = _Terms()
    """Per language code, terms of this file to ignore in prompts identified as that language."""

    @model_validator(mode="after")
    def _false_friends_are_listed(self) -> Self:
        listed = {term for kind in self.kinds.values() for term in kind.all()}
        for code, terms in self.false_friends.by_language().items():
            unknown = sorted(set(terms) - listed)
            if unknown:
                raise ValueError(f"false_friends '{code}' lists {unknown}, which no kind lists")
        return self


def read_lexicon(name: str) -> LexiconFile:
    """Load and validate a shipped lexicon by file stem."""
    source = resources.files("depiction") / "data" / "lexicons" / f"{name}.yaml"
    try:
        return _parse(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise DataError(f"lexicon {name}.yaml is invalid: {error}") from error


def _parse(text: str) -> LexiconFile:
    return LexiconFile.model_validate(yaml.safe_load(text))


@dataclass(frozen=True, slots=True)
class _Listed:
    """A term's kind, and the term as folded (to recognise false friends); equal by kind alone,
    so the matcher still merges and drops overlapping matches of one kind as before."""

    kind: str
    term: str = field(compare=False)


class LexiconDetector(Detector):
    """Emits one signal per term match; the kind is the lexicon section the term is listed in."""

    lexicon: ClassVar[str | None] = None
    """File stem under data/lexicons; defaults to the detector name."""

    def __init__(self) -> None:
        self._matcher: TermMatcher[_Listed] | None = None
        self._false_friends: dict[str, frozenset[str]] = {}

    @classmethod
    def read_extension(cls, path: Path) -> LexiconFile:
        """An operator's term list, in the shipped lexicon format, with kinds of this detector."""
        try:
            lexicon = _parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as error:
            raise DataError(f"{path.name} is not a valid term list: {error}") from error
        cls._check_kinds(lexicon, path.name)
        return lexicon

    @classmethod
    def _check_kinds(cls, lexicon: LexiconFile, where: str) -> None:
        unknown = set(lexicon.kinds) - set(cls.signals)
        if unknown:
            raise DataError(
                f"{where} lists kinds {sorted(unknown)} that detector '{cls.name}' does not "
                f"declare (its kinds: {', '.join(cls.signals)})"
            )

    def load(self, context: LoadContext) -> None:
        stem = self.lexicon or self.name
        shipped = read_lexicon(stem)
        self._check_kinds(shipped, f"lexicon {stem}.yaml")
        lexicons = [shipped, *context.extensions.get(self.name, ())]

        def folded(term: str) -> str:
            return context.normalizer.fold_term(term.rstrip("*")) + "*" * term.endswith("*")

        terms = [
            (term, _Listed(kind, folded(term)))
            for lexicon in lexicons
            for kind, entry in lexicon.kinds.items()
            for term in entry.all()
        ]
        exceptions = [term for lexicon in lexicons for term in lexicon.exceptions.all()]
        self._matcher = TermMatcher(context.normalizer, terms, exceptions)
        friends: dict[str, set[str]] = {}
        for lexicon in lexicons:
            for code, listed in lexicon.false_friends.by_language().items():
                friends.setdefault(code, set()).update(folded(term) for term in listed)
        self._false_friends = {code: frozenset(terms) for code, terms in friends.items()}

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        assert self._matcher is not None, "load() was not called"
        ignored = self._false_friends.get(text.language, frozenset())
        return [
            Signal(
                kind=match.payload.kind,
                span=text.quote(text.words, match.start, match.end),
                source=self.name,
            )
            for match in self._matcher.find(text.words)
            if match.payload.term not in ignored
        ]
