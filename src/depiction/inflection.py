"""Names as they are inflected: Путина, Путину and Путин meet; so do لترامب and ترامب.

Each word of a name and of a prompt loses its longest ending from the languages'
``name_suffixes`` and its longest clitic from ``name_prefixes`` (data/languages), twice where
two stand together (لبشار → بشار → شار, as the name بشار is cut), as long as three letters
stay. Both sides are cut the same way, so a name matches in any case form
without a dictionary of forms. Only the name detectors read this view; term lists match
the plain words.
"""

from __future__ import annotations

from depiction.langdata import merged
from depiction.views import MappedText

MIN_STEM = 3
CLITICS = 2
"""Clitics cut from the front of a word at most: a preposition before a name whose first
letter is itself a clitic letter (ل + بشار) must reach the same stem as the name alone."""


class Inflections:
    """Strips endings and clitics; immutable, so one instance serves every thread."""

    def __init__(self, prefixes: list[str], suffixes: list[str]) -> None:
        self._prefixes = _by_length(prefixes)
        self._suffixes = _by_length(suffixes)

    @classmethod
    def shipped(cls) -> Inflections:
        return cls(merged("name_prefixes"), merged("name_suffixes"))

    def word(self, word: str) -> tuple[int, int]:
        """The [start, end) of `word` left once its clitic and ending are cut."""
        start, end = 0, len(word)
        for _ in range(CLITICS):
            cut = next(
                (
                    length
                    for length, prefixes in self._prefixes
                    if end - start - length >= MIN_STEM and word[start : start + length] in prefixes
                ),
                0,
            )
            if not cut:
                break
            start += cut
        for length, suffixes in self._suffixes:
            if end - length - start >= MIN_STEM and word[end - length :] in suffixes:
                end -= length
                break
        return start, end

    def term(self, folded: str) -> str:
        """A folded name, every word cut."""
        return " ".join(w[slice(*self.word(w))] for w in folded.split(" "))

    def view(self, words: MappedText) -> MappedText:
        """The words view with every word cut, keeping each character's origin and joints."""
        if not self._prefixes and not self._suffixes:
            return words
        chars: list[str] = []
        origin: list[int] = []
        joints: list[int] = []
        position = 0
        for index, word in enumerate(words.text.split(" ")):
            if index:
                chars.append(" ")
                origin.append(words.origin[position - 1])
            start, end = self.word(word)
            shift = len(origin) - position - start
            joints.extend(j + shift for j in words.joints if position + start < j < position + end)
            chars.append(word[start:end])
            origin.extend(words.origin[position + start : position + end])
            position += len(word) + 1
        return MappedText("".join(chars), tuple(origin), frozenset(joints))


def _by_length(affixes: list[str]) -> tuple[tuple[int, frozenset[str]], ...]:
    """Affixes grouped by length, longest first: the longest that fits is cut, found with one
    set lookup per length rather than a comparison per affix."""
    lengths = sorted({len(a) for a in affixes if a}, reverse=True)
    return tuple((n, frozenset(a for a in affixes if len(a) == n)) for n in lengths)
