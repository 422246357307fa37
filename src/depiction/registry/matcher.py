"""Find registered people in a prompt: exact forms by hashing, misspellings by rapidfuzz.

Built once over every active alias form, the index holds only numbers (Python's 64-bit
string hashes, stable within a process, in sorted NumPy arrays), so a million people fit in
a few hundred MB. A prompt is cut into candidate windows — runs of 1-4 Latin tokens, and
substrings of Chinese runs, starting only where some registered form starts — whose hashes
are looked up all at once. Two different strings sharing a 64-bit hash would be a false
match; with millions of forms that chance is below one in a billion per prompt.

Misspellings ("Scarlett Johannson", "Keanu Reeve") are caught for names of two or more
Latin tokens: a window's first and last tokens give blocking keys (one token whole, the
other's first two letters) that select a few candidate names, and rapidfuzz confirms an
edit distance of at most 1 (names of 8+ characters) or 2 (12+ characters). Typos in both
tokens of a name ("Scarlet Johanson") are therefore not caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from rapidfuzz.distance import Levenshtein

from depiction.normalize import HAN_RUN, MappedText, is_han

_MAX_TOKENS = 4
_MAX_HAN = 10
_FUZZY_MIN_CHARS = 8
_MAX_CANDIDATES = 64  # per blocking key: common names cannot blow up a check's latency
TOKEN = re.compile(r"[^ ]+")


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A registered person found in a view: [start, end) in that view."""

    person_id: int
    start: int
    end: int
    fuzzy: bool


class NameIndex:
    """The matcher over one snapshot of the registry."""

    def __init__(self, rows: Iterable[tuple[int, str]]) -> None:
        self._han_first: set[str] = set()
        exact_hashes: list[int] = []
        exact_people: list[int] = []
        first_tokens: set[int] = {hash(letter) for letter in "abcdefghijklmnopqrstuvwxyz"}
        last_tokens: set[int] = set()
        initial_hashes: list[int] = []
        initial_people: list[int] = []
        fuzzy_names: list[str] = []
        fuzzy_people: list[int] = []
        block_hashes: list[int] = []
        block_rows: list[int] = []
        han_first = self._han_first
        for person_id, joined in rows:
            variants = joined.split("|")
            exact_hashes.extend(map(hash, variants))
            exact_people.extend(repeat(person_id, len(variants)))
            key = variants[0]
            if is_han(key[0]):
                han_first.add(key[0])
                first_tokens.update([hash(form.partition(" ")[0]) for form in variants[1:]])
                continue
            tokens = key.split(" ")
            first_tokens.update([hash(form.partition(" ")[0]) for form in variants])
            if len(tokens) < 2:
                continue
            first, last = tokens[0], tokens[-1]
            initial_hashes.append(hash(f"{first[0]} {last}"))
            initial_people.append(person_id)
            if len(key) >= _FUZZY_MIN_CHARS:
                row = len(fuzzy_names)
                last_tokens.add(hash(last))
                block_hashes.extend(_block_keys(first, last))
                block_rows.append(row)
                block_rows.append(row)
                fuzzy_names.append(key)
                fuzzy_people.append(person_id)
        unique_initials, owners = _unambiguous(initial_hashes, initial_people)
        self._exact = _sorted_pairs([*exact_hashes, *unique_initials], [*exact_people, *owners])
        self._starts = _hash_set(first_tokens)
        self._lasts = _hash_set(last_tokens)
        self._blocks = _sorted_pairs(block_hashes, block_rows)
        self._fuzzy_names = fuzzy_names
        self._fuzzy_people = fuzzy_people
        self.size = len(self._exact[0])

    def find(self, view: MappedText) -> list[NameMatch]:
        """Every registered person named in `view`, once each, in order of appearance."""
        if not self.size:
            return []
        exact, fuzzy = self._windows(view.text)
        found: dict[int, NameMatch] = {}
        if exact:
            hashes = np.fromiter((hash(w[0]) for w in exact), dtype=np.int64, count=len(exact))
            for index, person_id in _lookup(self._exact, hashes):
                _, start, end = exact[index]
                found.setdefault(person_id, NameMatch(person_id, start, end, fuzzy=False))
        for person_id, start, end in self._fuzzy(fuzzy):
            found.setdefault(person_id, NameMatch(person_id, start, end, fuzzy=True))
        return sorted(found.values(), key=lambda m: m.start)

    def _windows(self, text: str) -> tuple[list[_Window], list[_Window]]:
        """Candidate windows, only where a registered form could start.

        Latin windows are runs of 1-4 tokens starting at a token that begins some registered
        form (checked for all tokens at once); Chinese windows are substrings starting at a
        character that begins some registered Chinese form. Neighbouring Chinese tokens read
        as one run, so "斯嘉丽·约翰逊" meets the key "斯嘉丽约翰逊".
        """
        exact: list[_Window] = []
        fuzzy: list[_Window] = []
        latin: list[tuple[str, int]] = []
        han: list[int] = []
        for run, start, chinese in _script_runs(text):
            if chinese:
                self._latin_windows(text, latin, exact, fuzzy)
                latin = []
                han.extend(range(start, start + len(run)))
            else:
                self._han_windows(text, han, exact)
                han = []
                latin.append((run, start))
        self._latin_windows(text, latin, exact, fuzzy)
        self._han_windows(text, han, exact)
        return exact, fuzzy

    def _latin_windows(
        self, text: str, tokens: list[tuple[str, int]], exact: list[_Window], fuzzy: list[_Window]
    ) -> None:
        if not tokens:
            return
        hashes = np.fromiter((hash(t) for t, _ in tokens), dtype=np.int64, count=len(tokens))
        starts, lasts = _member(self._starts, hashes), _member(self._lasts, hashes)
        for i, (_, start) in enumerate(tokens):
            for length in range(1, min(_MAX_TOKENS, len(tokens) - i) + 1):
                last, last_start = tokens[i + length - 1]
                if not starts[i] and not (2 <= length <= 3 and lasts[i + length - 1]):
                    continue
                window = (text[start : last_start + len(last)], start, last_start + len(last))
                if starts[i]:
                    exact.append(window)
                if 2 <= length <= 3 and len(window[0]) >= _FUZZY_MIN_CHARS - 2:
                    fuzzy.append(window)

    def _han_windows(self, text: str, positions: list[int], exact: list[_Window]) -> None:
        chars = "".join(text[p] for p in positions)
        for i, char in enumerate(chars):
            if char not in self._han_first:
                continue
            for length in range(2, min(_MAX_HAN, len(chars) - i) + 1):
                exact.append((chars[i : i + length], positions[i], positions[i + length - 1] + 1))

    def _fuzzy(self, windows: list[_Window]) -> Iterable[tuple[int, int, int]]:
        if not windows or not self._fuzzy_names:
            return
        keys: list[int] = []
        owners: list[int] = []
        for position, (text, _, _) in enumerate(windows):
            tokens = text.split(" ")
            for key in _block_keys(tokens[0], tokens[-1]):
                keys.append(key)
                owners.append(position)
        seen: set[tuple[int, int]] = set()
        for index, row in _lookup(self._blocks, np.array(keys, dtype=np.int64), _MAX_CANDIDATES):
            position = owners[index]
            if (position, row) in seen:
                continue
            seen.add((position, row))
            text, start, end = windows[position]
            name = self._fuzzy_names[row]
            allowed = 2 if len(name) >= 12 else 1
            if Levenshtein.distance(text, name, score_cutoff=allowed) <= allowed:
                yield self._fuzzy_people[row], start, end


_Window = tuple[str, int, int]


def _block_keys(first: str, last: str) -> tuple[int, int]:
    """One typo leaves one token whole: block on it plus the other token's first two letters."""
    return hash(f"<{first} {last[:2]}"), hash(f">{first[:2]} {last}")


def _unambiguous(hashes: list[int], people: list[int]) -> tuple[list[int], list[int]]:
    """The hashes that belong to exactly one person, with that person."""
    if not hashes:
        return [], []
    h, p = np.array(hashes, dtype=np.int64), np.array(people, dtype=np.int64)
    order = np.lexsort((p, h))
    h, p = h[order], p[order]
    unique, first, counts = np.unique(h, return_index=True, return_counts=True)
    single = p[first] == p[first + counts - 1]
    return unique[single].tolist(), p[first][single].tolist()


def _hash_set(values: set[int]) -> np.ndarray:
    array = np.fromiter(values, dtype=np.int64, count=len(values))
    array.sort()
    return array


def _member(sorted_hashes: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """For each hash, whether it is in `sorted_hashes`."""
    if not len(sorted_hashes):
        return np.zeros(len(hashes), dtype=bool)
    slots = np.minimum(np.searchsorted(sorted_hashes, hashes), len(sorted_hashes) - 1)
    found: np.ndarray = sorted_hashes[slots] == hashes
    return found


def _sorted_pairs(hashes: list[int], values: list[int]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.array(hashes, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    return keys[order], np.array(values, dtype=np.int64)[order]


def _lookup(
    index: tuple[np.ndarray, np.ndarray], hashes: np.ndarray, limit: int | None = None
) -> Iterable[tuple[int, int]]:
    """(query position, value) for stored keys equal to a query hash, at most `limit` each."""
    keys, values = index
    if not len(keys) or not len(hashes):
        return
    lower = np.searchsorted(keys, hashes)
    hit = keys[np.minimum(lower, len(keys) - 1)] == hashes
    for position in np.flatnonzero(hit):
        slot = int(lower[position])
        stop = len(keys) if limit is None else min(len(keys), slot + limit)
        while slot < stop and keys[slot] == hashes[position]:
            yield int(position), int(values[slot])
            slot += 1


def _script_runs(text: str) -> Iterable[tuple[str, int, bool]]:
    """Maximal runs of Chinese characters, and the space-separated tokens between them."""
    position = 0
    for han in HAN_RUN.finditer(text):
        yield from _tokens(text, position, han.start())
        yield han.group(), han.start(), True
        position = han.end()
    yield from _tokens(text, position, len(text))


def _tokens(text: str, start: int, end: int) -> Iterable[tuple[str, int, bool]]:
    for token in TOKEN.finditer(text, start, end):
        yield token.group(), token.start(), False
