"""A derived string that remembers where each of its characters came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MappedText:
    """A derived string plus, per character, the index of the original character it came from."""

    text: str
    origin: tuple[int, ...]
    joints: frozenset[int] = frozenset()
    """Positions where a word begins with no space before it: the letters of a spaced-out run
    ("g o l a y a s h k o l n i c a") are joined into one token, and any of them may start a
    word, since the writer's own word breaks are lost."""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of this view back to the original prompt."""
        return self.origin[start], self.origin[end - 1] + 1
