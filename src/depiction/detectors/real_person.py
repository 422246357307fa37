"""Named real people, from a shipped gazetteer of widely known people.

Naming a real person is not a harm by itself (the policy allows satire, news and fan art);
the signal exists so the policy can refuse harmful *combinations*, such as sexual content
or fabricated arrest photos of an identifiable person. An artist of the gazetteer (domain
``arts``) named as a style ("a nude in the style of Picasso", "estilo Dalí") is not depicted,
so gives no signal here; the artists detector reports the style.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from depiction.decision import Signal
from depiction.detectors.artists import is_style_reference
from depiction.detectors.base import Detector, LoadContext
from depiction.detectors.lexicon import read_lexicon
from depiction.errors import DataError
from depiction.matching import TermMatcher
from depiction.normalize import NormalizedText, Normalizer, is_latin, is_word_char
from depiction.request import Request

# People who died before this year are depicted as history (Caesar's assassination, Lincoln);
# the living and the recently dead, whose families are alive, get the protective signal.
HISTORICAL_BEFORE = 1950
ARTISTS = "arts"
"""The gazetteer domain of painters, sculptors and other artists whose names are styles."""
_COLUMNS = ["id", "name", "zh", "aliases", "born", "died", "domain"]


@dataclass(frozen=True, slots=True)
class Person:
    """One gazetteer row."""

    id: str
    name: str
    names: tuple[str, ...]
    died: int | None
    domain: str = ""

    @property
    def kind(self) -> str:
        historical = self.died is not None and self.died < HISTORICAL_BEFORE
        return "historical_person" if historical else "real_person"


@cache
def read_gazetteer() -> tuple[Person, ...]:
    """Parse every shipped ``data/people/*.tsv`` once (the exact and the misspelt-name
    detectors share it), failing loudly (file and line) on a bad row."""
    folder = resources.files("depiction") / "data" / "people"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".tsv")), key=lambda f: f.name)
    return tuple(
        person for source in files for person in _read_tsv(source.name, source.read_text("utf-8"))
    )


def gazetteer(context: LoadContext) -> tuple[Person, ...]:
    """The shipped gazetteer and the operator's own rows (the policy's `extend: real_person`)."""
    extra = context.extensions.get(RealPersonDetector.name, ())
    return read_gazetteer() + tuple(person for rows in extra for person in rows)


def _read_tsv(name: str, text: str) -> list[Person]:
    rows = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if header != _COLUMNS:
        raise DataError(f"{name}: header must be {_COLUMNS}, got {header}")
    people = []
    for line, row in enumerate(rows, start=2):
        if len(row) != len(_COLUMNS):
            raise DataError(f"{name} line {line}: expected 7 columns, got {len(row)}")
        ident, display, zh, aliases, _born, died, domain = row
        names = _with_surnames(
            display, [n for n in (display, zh, *aliases.split("|")) if n.strip()]
        )
        try:
            people.append(Person(ident, display, names, int(died) if died else None, domain))
        except ValueError as error:
            raise DataError(f"{name} line {line}: bad death year {died!r}") from error
    return people


MIN_SURNAME = 5
"""Shorter surnames in other scripts are everyday words too often ("Маск" in "в маске",
"ماسك", holding)."""


def _with_surnames(display: str, names: list[str]) -> tuple[str, ...]:
    """A person the gazetteer knows by surname alone in Latin letters ("Lavrov") is known by
    it in every other script that spaces its words: the last word of each such spelling of
    the full name is added ("Сергей Лавров" gives "Лавров"). Chinese, Japanese and Korean
    names are matched inside unspaced text, where a surname would hide in other words ("콜리"
    in "브로콜리"), so those are left to the data."""
    surname = display.split()[-1].casefold()
    if " " not in display or surname not in {name.casefold() for name in names}:
        return tuple(names)
    added = [
        words[-1]
        for name in names
        if len(words := name.split()) > 1
        and len(words[-1]) >= MIN_SURNAME
        and all(is_word_char(c) for c in words[-1])
        and not is_latin(words[-1][0])
    ]
    return tuple(dict.fromkeys(names + added))


def _read_portrait_words(normalizer: Normalizer) -> frozenset[str]:
    """``data/lexicons/portrait_words.yaml``, every language together, as the names view
    spells them."""
    words = read_lexicon("portrait_words").kinds["portrait_word"].all()
    return frozenset(normalizer.normalize(word).names.text for word in words)


def _only_names(
    text: str, names: Iterable[tuple[int, int]], portrait_words: frozenset[str]
) -> bool:
    """Whether `text` is nothing but the `names` spans and words of `portrait_words`: a
    request for a picture of someone, naming no harm. Every letter counts here, CJK too (unlike
    `is_word_char`), so "普京被枪杀" leaves the word "被枪杀"."""
    rest = [
        char if char.isalnum() or unicodedata.category(char)[0] == "M" else " " for char in text
    ]
    for start, end in names:
        rest[start:end] = " " * (end - start)
    return all(word in portrait_words for word in "".join(rest).split())


class RealPersonDetector(Detector):
    name = "real_person"
    signals = ("real_person", "historical_person", "name_only")

    def __init__(self) -> None:
        self._matcher: TermMatcher[Person] | None = None
        self._portrait_words: frozenset[str] = frozenset()

    @classmethod
    def read_extension(cls, path: Path) -> tuple[Person, ...]:
        """An operator's own gazetteer rows, in the shipped ``data/people`` TSV format."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise DataError(f"cannot read {path.name}: {error}") from error
        return tuple(_read_tsv(path.name, text))

    def load(self, context: LoadContext) -> None:
        terms = [(name, person) for person in gazetteer(context) for name in person.names]
        self._matcher = TermMatcher(context.normalizer, terms, names=True)
        self._portrait_words = _read_portrait_words(context.normalizer)

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        assert self._matcher is not None, "load() was not called"
        found, spans = [], []
        for match in self._matcher.find(text.names):
            start, end, quoted = text.quote_name(match.start, match.end)
            if match.payload.domain == ARTISTS and is_style_reference(text.original, start, end):
                continue
            spans.append((match.start, match.end))
            found.append(
                Signal(
                    kind=match.payload.kind,
                    span=(start, end, quoted),
                    source=self.name,
                    data={"person_id": match.payload.id, "name": match.payload.name},
                )
            )
        if spans and _only_names(text.names.text, spans, self._portrait_words):
            found.append(Signal(kind="name_only", source=self.name))
        return found
