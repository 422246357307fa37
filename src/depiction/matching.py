"""Whole-word-aware multi-term matching over a normalized view (Aho-Corasick).

Shared by every detector that looks up term lists: lexicons, the real-person gazetteer and
registries. Latin-script terms match whole words only ("sex" never fires inside "Sussex");
CJK terms match as substrings, since Chinese is written without spaces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

from depiction.normalize import Normalizer, is_word_char
from depiction.views import MappedText

T = TypeVar("T")
_EXCEPTION = object()


@dataclass(frozen=True, slots=True)
class TermMatch(Generic[T]):
    """A term found in a view: [start, end) in that view and the payload it was registered with."""

    start: int
    end: int
    payload: T


@dataclass(frozen=True, slots=True)
class _Entry:
    payload: object
    length: int
    prefix: bool
    squeezed: bool = False
    """The term's words written together: found only across the joints of spaced letters."""


class TermMatcher(Generic[T]):
    """Matches many terms at once; terms are folded by the same normalizer as prompts.

    With `names`, terms are folded for the `names` view (inflections cut), which is then the
    view to search. A term ending in ``*`` matches that word-prefix followed by any letters; any other Latin
    term also matches with a plural "s" ("kid" finds "kids"). Inside a run of spaced-out letters
    ("t a y l o r s w i f t"), whose word breaks are lost, terms are found at any joint and a
    term of several words is found written together. Matches that lie
    inside an exception phrase (a harmless homonym such as "bloody mary") are dropped, and a
    match contained in a longer match with the same payload is dropped as redundant.
    """

    def __init__(
        self,
        normalizer: Normalizer,
        terms: Iterable[tuple[str, T]],
        exceptions: Iterable[str] = (),
        *,
        names: bool = False,
    ) -> None:
        self._automaton = ahocorasick.Automaton()
        fold = normalizer.fold_name if names else normalizer.fold_term
        entries: dict[str, list[_Entry]] = {}
        for raw, payload in terms:
            self._add(entries, fold, raw, payload)
        for raw in exceptions:
            self._add(entries, fold, raw, _EXCEPTION)
        for key, values in entries.items():
            self._automaton.add_word(key, tuple(values))
        self.size = len(entries)
        if entries:
            self._automaton.make_automaton()

    @staticmethod
    def _add(
        entries: dict[str, list[_Entry]], fold: Callable[[str], str], raw: str, payload: object
    ) -> None:
        prefix = raw.endswith("*")
        key = fold(raw.rstrip("*"))
        forms = [(key, False)]
        if " " in key:
            forms.append((key.replace(" ", ""), True))
        for form, squeezed in forms:
            entry = _Entry(payload, len(form), prefix, squeezed)
            if form and entry not in entries.setdefault(form, []):
                entries[form].append(entry)

    def find(self, view: MappedText) -> list[TermMatch[T]]:
        """All whole-word matches in `view`, in order of start position."""
        if not self.size:
            return []
        text = view.text
        found: list[TermMatch[T]] = []
        shields: list[tuple[int, int]] = []
        for last, entries in self._automaton.iter(text):
            for entry in entries:
                start, end = last - entry.length + 1, last + 1
                if entry.squeezed and not any(start < j < end for j in view.joints):
                    continue
                bounds = _bounds(text, start, end, entry.prefix, view.joints)
                if bounds is None:
                    continue
                if entry.payload is _EXCEPTION:
                    shields.append(bounds)
                else:
                    found.append(TermMatch(bounds[0], bounds[1], entry.payload))
        kept = [m for m in found if not _inside_any(m, shields)]
        kept = [m for m in kept if not _redundant(m, kept)]
        kept.sort(key=lambda m: (m.start, -m.end))
        return kept


def _bounds(
    text: str, start: int, end: int, prefix: bool, joints: frozenset[int]
) -> tuple[int, int] | None:
    """Apply whole-word rules at both ends; CJK ends and joints of spaced letters need no
    boundary."""
    if start > 0 and _continues(text, start, joints) and is_word_char(text[start - 1]):
        return None
    if is_word_char(text[end - 1]):
        if prefix:
            while end < len(text) and _continues(text, end, joints):
                end += 1
        elif end < len(text) and _continues(text, end, joints):
            following = end + 1
            plural = text[end] == "s" and (
                following == len(text) or not _continues(text, following, joints)
            )
            if not plural:
                return None
            end += 1
    return start, end


def _continues(text: str, position: int, joints: frozenset[int]) -> bool:
    """Whether the character at `position` continues the word before it."""
    return position not in joints and is_word_char(text[position])


def _inside_any(match: TermMatch[T], shields: list[tuple[int, int]]) -> bool:
    return any(s <= match.start and match.end <= e for s, e in shields)


def _redundant(match: TermMatch[T], matches: list[TermMatch[T]]) -> bool:
    return any(
        other is not match
        and other.payload == match.payload
        and other.start <= match.start
        and match.end <= other.end
        and (other.end - other.start) > (match.end - match.start)
        for other in matches
    )
