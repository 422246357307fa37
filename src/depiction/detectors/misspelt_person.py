"""Well-known names misspelt on purpose ("nekkid Tayler Swfit photo"), a common way around an
exact gazetteer.

A pair of adjacent words is taken for a gazetteer person's first and last name when each is
at most one edit (Damerau-Levenshtein: a typo, a missing or doubled letter, two letters
swapped) from that name's word and starts like it or has its length; a word of four letters
must be exact, since short words (and romanised Chinese syllables: "gang bang" is one edit
per word from "Yang Yang") are near too many names. Both words are needed, so one word that
resembles a surname never names anyone. The detector is on demand:
the engine runs it only when a real person's name could change the decision (a sexual or
violent request), so ordinary prompts never pay for the comparison. Words one edit apart share a
word with one letter deleted, so each prompt word finds its candidate names through an index of
those deletions (a few dictionary lookups) rather than by comparing it with every name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz.distance import DamerauLevenshtein

from depiction.decision import Signal
from depiction.detectors.base import Detector, LoadContext
from depiction.detectors.real_person import Person, gazetteer
from depiction.normalize import NormalizedText
from depiction.request import Request

MIN_WORD = 4
"""Names with a shorter word ("Li Na", "Ana de Armas") are not guessed at."""
MIN_EDITED = 5
"""Shorter words must be spelt exactly ("Emma Watsen" names her, "Ema Watson" does not)."""
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class _Name:
    first: str
    last: str
    person: Person


class MisspeltPersonDetector(Detector):
    name = "misspelt_person"
    signals = ("real_person",)
    languages = ("any",)
    on_demand = True

    def __init__(self) -> None:
        self._names: list[_Name] = []
        self._firsts = _Words()
        self._lasts = _Words()

    def load(self, context: LoadContext) -> None:
        for person in gazetteer(context):
            if person.kind != "real_person":
                continue
            for name in person.names:
                words = context.normalizer.fold_term(name).split()
                if len(words) >= 2 and all(_WORD.fullmatch(w) for w in (words[0], words[-1])):
                    first, last = words[0], words[-1]
                    if min(len(first), len(last)) >= MIN_WORD:
                        self._firsts.add(first, len(self._names))
                        self._lasts.add(last, len(self._names))
                        self._names.append(_Name(first, last, person))

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        words = [m for m in _WORD.finditer(text.words.text) if len(m.group()) >= MIN_WORD - 1]
        firsts = {w.group(): self._firsts.near(w.group()) for w in words}
        lasts = {w.group(): self._lasts.near(w.group()) for w in words}
        found = []
        for left, right in pairwise(words):
            if text.words.text[left.end() : right.start()].strip():
                continue  # not adjacent: punctuation or a digit in between
            name = self._closest(
                left.group(), right.group(), firsts[left.group()] & lasts[right.group()]
            )
            if name is not None:
                found.append(
                    Signal(
                        kind="real_person",
                        span=text.quote(text.words, left.start(), right.end()),
                        source=self.name,
                        data={
                            "person_id": name.person.id,
                            "name": name.person.name,
                            "misspelt": True,
                        },
                    )
                )
        return found

    def _closest(self, first: str, last: str, candidates: set[int]) -> _Name | None:
        """The first-loaded name both words are near (and not both exactly)."""
        for index in sorted(candidates):
            name = self._names[index]
            if (name.first, name.last) != (first, last):
                return name
        return None


class _Words:
    """One side of the names (first or last words), indexed by their one-letter deletions."""

    def __init__(self) -> None:
        self._names: dict[str, set[int]] = defaultdict(set)
        self._by_deletion: dict[str, set[str]] = defaultdict(set)

    def add(self, word: str, name: int) -> None:
        self._names[word].add(name)
        for variant in _deletions(word):
            self._by_deletion[variant].add(word)

    def near(self, word: str) -> set[int]:
        """The names with a word at most one edit from `word` (by `_close`)."""
        candidates = set().union(*(self._by_deletion.get(v, ()) for v in _deletions(word)))
        return {n for match in candidates if _close(word, match) for n in self._names[match]}


def _deletions(word: str) -> set[str]:
    """The word and every word one deletion from it: two words one edit apart (substitution,
    insertion, deletion or a swap of neighbours) always share one of these."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _close(word: str, target: str) -> bool:
    """One edit apart, keeping the first letter or the length (most typos keep one)."""
    if word == target:
        return True
    if min(len(word), len(target)) < MIN_EDITED or (
        word[0] != target[0] and len(word) != len(target)
    ):
        return False
    return DamerauLevenshtein.distance(word, target, score_cutoff=1) <= 1
