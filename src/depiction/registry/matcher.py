"""Find registered people in a prompt: exact forms by hashing, misspellings by rapidfuzz.

Built once over every active alias form, the index holds only numbers (Python's 64-bit
string hashes, stable within a process, in sorted NumPy arrays), so a million people fit in a few hundred MB and build in seconds.
A prompt is cut into candidate windows — runs of 1-4 Latin tokens, and substrings of
Chinese runs — whose hashes are looked up all at once.

Misspellings ("Scarlett Johannson", "Keanu Reeve") are caught for names of two or more
Latin tokens: a window's first and last tokens give blocking keys (their first three
letters, and their last three) that select a few candidate names, and rapidfuzz confirms
an edit distance of at most 1 (names of 8+ characters) or 2 (12+ characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein

from depiction.normalize import HAN_RUN, MappedText

_MAX_TOKENS = 4
_MAX_HAN = 10
_FUZZY_MIN_CHARS = 8
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
        exact_hashes: list[int] = []
        exact_people: list[int] = []
        initials: dict[int, set[int]] = {}
        fuzzy_names: list[str] = []
        fuzzy_people: list[int] = []
        block_hashes: list[int] = []
        block_rows: list[int] = []
        for person_id, joined in rows:
            variants = joined.split("|")
            for form in variants:
                exact_hashes.append(hash(form))
                exact_people.append(person_id)
            tokens = variants[0].split(" ")
            if len(tokens) < 2:
                continue
            initials.setdefault(hash(f"{tokens[0][0]} {tokens[-1]}"), set()).add(person_id)
            if len(variants[0]) >= _FUZZY_MIN_CHARS:
                row = len(fuzzy_names)
                fuzzy_names.append(variants[0])
                fuzzy_people.append(person_id)
                for key in _block_keys(tokens[0], tokens[-1]):
                    block_hashes.append(key)
                    block_rows.append(row)
        # "S. Johansson" counts only when exactly one registered person has that form.
        for key, people in initials.items():
            if len(people) == 1:
                exact_hashes.append(key)
                exact_people.append(next(iter(people)))
        self._exact = _sorted_pairs(exact_hashes, exact_people)
        self._blocks = _sorted_pairs(block_hashes, block_rows)
        self._fuzzy_names = fuzzy_names
        self._fuzzy_people = fuzzy_people
        self.size = len(exact_hashes)

    def find(self, view: MappedText) -> list[NameMatch]:
        """Every registered person named in `view`, once each, in order of appearance."""
        if not self.size:
            return []
        windows = _windows(view.text)
        if not windows:
            return []
        found: dict[int, NameMatch] = {}
        hashes = np.fromiter((hash(w[0]) for w in windows), dtype=np.int64, count=len(windows))
        for index, person_id in _lookup(self._exact, hashes):
            _, start, end, _ = windows[index]
            found.setdefault(person_id, NameMatch(person_id, start, end, fuzzy=False))
        for person_id, start, end in self._fuzzy(windows):
            found.setdefault(person_id, NameMatch(person_id, start, end, fuzzy=True))
        return sorted(found.values(), key=lambda m: m.start)

    def _fuzzy(self, windows: list[tuple[str, int, int, int]]) -> Iterable[tuple[int, int, int]]:
        candidates = [w for w in windows if 2 <= w[3] <= 3 and len(w[0]) >= _FUZZY_MIN_CHARS - 2]
        if not candidates or not self._fuzzy_names:
            return
        keys: list[int] = []
        owners: list[int] = []
        for position, (text, _, _, _) in enumerate(candidates):
            tokens = text.split(" ")
            for key in _block_keys(tokens[0], tokens[-1]):
                keys.append(key)
                owners.append(position)
        seen: set[tuple[int, int]] = set()
        for index, row in _lookup(self._blocks, np.array(keys, dtype=np.int64)):
            position = owners[index]
            if (position, row) in seen:
                continue
            seen.add((position, row))
            text, start, end, _ = candidates[position]
            name = self._fuzzy_names[row]
            allowed = 2 if len(name) >= 12 else 1
            if Levenshtein.distance(text, name, score_cutoff=allowed) <= allowed:
                yield self._fuzzy_people[row], start, end


def _block_keys(first: str, last: str) -> tuple[int, int]:
    return hash(f"<{first[:3]} {last[:3]}"), hash(f">{first[-3:]} {last[-3:]}")


def _sorted_pairs(hashes: list[int], values: list[int]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.array(hashes, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    return keys[order], np.array(values, dtype=np.int64)[order]


def _lookup(index: tuple[np.ndarray, np.ndarray], hashes: np.ndarray) -> Iterable[tuple[int, int]]:
    """(query position, value) for every stored key equal to a query hash."""
    keys, values = index
    if not len(keys) or not len(hashes):
        return
    lower = np.searchsorted(keys, hashes)
    hit = keys[np.minimum(lower, len(keys) - 1)] == hashes
    for position in np.flatnonzero(hit):
        slot = int(lower[position])
        while slot < len(keys) and keys[slot] == hashes[position]:
            yield int(position), int(values[slot])
            slot += 1


def _windows(text: str) -> list[tuple[str, int, int, int]]:
    """(window text, start, end, token count) for Latin token runs and Chinese substrings.

    Tokens are split where the script changes ("我爱leijun"), and neighbouring Chinese
    tokens are read as one run, so "斯嘉丽·约翰逊" meets the key "斯嘉丽约翰逊".
    """
    windows: list[tuple[str, int, int, int]] = []
    latin: list[tuple[str, int]] = []
    han: list[int] = []
    for run, start, chinese in _script_runs(text):
        if chinese:
            windows.extend(_latin_windows(text, latin))
            latin = []
            han.extend(range(start, start + len(run)))
        else:
            windows.extend(_han_windows(text, han))
            han = []
            latin.append((run, start))
    windows.extend(_latin_windows(text, latin))
    windows.extend(_han_windows(text, han))
    return windows


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


def _latin_windows(text: str, tokens: list[tuple[str, int]]) -> Iterable[tuple[str, int, int, int]]:
    for i, (_, start) in enumerate(tokens):
        for length in range(1, min(_MAX_TOKENS, len(tokens) - i) + 1):
            last, last_start = tokens[i + length - 1]
            end = last_start + len(last)
            yield text[start:end], start, end, length


def _han_windows(text: str, positions: list[int]) -> Iterable[tuple[str, int, int, int]]:
    chars = "".join(text[p] for p in positions)
    for i in range(len(chars)):
        for length in range(2, min(_MAX_HAN, len(chars) - i) + 1):
            yield chars[i : i + length], positions[i], positions[i + length - 1] + 1, 1
