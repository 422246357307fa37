"""Find registered people in a prompt: exact forms by hashing, misspellings by rapidfuzz.

The index holds only numbers — 64-bit xxh3 hashes of every active alias form, in sorted
NumPy arrays — so a million people fit in a few hundred MB, and since the hash is the same in
every process a built index can be saved and loaded again (see `registry.index_cache`). A
prompt is cut into candidate windows — runs of 1-4 Latin tokens, and substrings of Chinese
runs, starting only where some registered form starts — whose hashes are looked up all at
once. Two different strings sharing a 64-bit hash would be a false match; with millions of
forms that chance is below one in a billion per prompt.

Misspellings ("Scarlett Johannson", "Keanu Reeve") are caught for names of two or more
Latin tokens: a window's first and last tokens give blocking keys (one token whole, the
other's first two letters) that select a few candidate names, and rapidfuzz confirms an
edit distance of at most 1 (names of 8+ characters) or 2 (12+ characters). Typos in both
tokens of a name ("Scarlet Johanson") are therefore not caught.

An index is a *base* layer over the whole registry plus, after changes, a small layer over
the people changed since, which hides those people's base entries: a change costs a build
over the changed people only, and finds exactly what a full rebuild would.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from string import ascii_lowercase
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Levenshtein
from xxhash import xxh3_64_intdigest

from depiction.errors import RegistryError
from depiction.normalize import HAN_RUN, is_han
from depiction.registry.gcpause import paused_gc
from depiction.views import MappedText

_MAX_TOKENS = 4
_MAX_HAN = 10
_FUZZY_MIN_CHARS = 8
_MAX_CANDIDATES = 64  # per blocking key: common names cannot blow up a check's latency
TOKEN = re.compile(r"[^ ]+")

Array = npt.NDArray[Any]
Hashes = npt.NDArray[np.uint64]
Ids = npt.NDArray[np.int64]
_Pairs = tuple[Hashes, Ids]  # sorted keys, and the value stored with each


def stable_hashes(texts: Iterable[str], count: int = -1) -> Hashes:
    """xxh3-64 of each text's UTF-8: the same in every process, unlike `hash()`."""
    return np.fromiter(map(xxh3_64_intdigest, map(str.encode, texts)), np.uint64, count)


MATCHER_VERSION = 1
"""What every stored matcher key was computed with: name folding and variants (`names`), the
layout and hashing of `alias_keys`, and what a saved index holds. Alias rows and cache files
of another version are computed again from the aliases' names, so a change to any of these
is safe: bump it."""
_NAMED = (0, 1, 4)  # name keys an alias may have: none, initials, or initials and misspelling keys

AliasRow = tuple[int, str, bytes]
"""(person id, the alias's key, `alias_keys` of its forms): what an index is built from."""


def alias_keys(forms: Sequence[str]) -> bytes:
    """Everything one alias adds to the index, hashed when the alias is stored so that
    building an index is only concatenating and sorting: a header word (how many of each
    follow), the hash of every form, of the first token of each multi-token form, and for a
    Latin name of two or more tokens its initials key ("s johansson") and, when long enough
    to be misspelt, its two blocking keys and its last token. Little-endian 64-bit words."""
    key = forms[0]
    firsts = [form.partition(" ")[0] for form in forms if " " in form]  # repeats are harmless
    named: list[str] = []
    if " " in key and not is_han(key[0]):
        first, last = key.partition(" ")[0], key.rpartition(" ")[2]
        named.append(f"{first[0]} {last}")
        if len(key) >= _FUZZY_MIN_CHARS:
            named.extend((*_block_pair(first, last), last))
    header = len(forms) | len(firsts) << 16 | len(named) << 32
    hashes = map(xxh3_64_intdigest, map(str.encode, (*forms, *firsts, *named)))
    return struct.pack(f"<{len(forms) + len(firsts) + len(named) + 1}Q", header, *hashes)


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A registered person found in a view: [start, end) in that view."""

    person_id: int
    start: int
    end: int
    fuzzy: bool


@dataclass(frozen=True, slots=True)
class _Layer:
    """The lookup arrays built over some people's alias forms."""

    exact: _Pairs  # form -> person
    initials: _Pairs  # "s johansson" -> every person with that initial and last name
    starts: Hashes  # first tokens of multi-token forms: a window starts there or at a form
    lasts: Hashes  # last tokens of the names that may be misspelt
    blocks: _Pairs  # blocking key -> row in fuzzy_names
    fuzzy_names: list[str]
    fuzzy_people: Ids
    han_first: frozenset[str]  # characters some Chinese name begins with

    @classmethod
    def build(cls, rows: Iterable[AliasRow]) -> _Layer:
        """Concatenation and sorting only: every hash was computed by `alias_keys` when the
        alias was stored, so no per-form Python work is left (a million people in seconds)."""
        with paused_gc():
            columns = tuple(zip(*rows, strict=True))
            people_ids, keys, stored = columns if columns else ((), (), ())
            people = np.array(people_ids, dtype=np.int64)
            words = np.frombuffer(b"".join(stored), dtype="<u8").astype(np.uint64, copy=False)
            sizes = np.fromiter(map(len, stored), np.int64, len(stored)) // 8
            offsets = np.cumsum(sizes) - sizes
            header = words[offsets].astype(np.int64)
            forms, starts, named = header & 0xFFFF, (header >> 16) & 0xFFFF, header >> 32
            damaged = (sizes != 1 + forms + starts + named) | ~np.isin(named, _NAMED)
            if damaged.any():
                raise RegistryError(
                    f"the matcher keys stored for opt-out entry {people[damaged][0]} are damaged"
                )
            names_at = offsets + 1 + forms + starts
            has_initials, fuzzy = named >= 1, named == _NAMED[-1]
            fuzzy_at = names_at[fuzzy]
            return cls(
                exact=_pairs(words[_ranges(offsets + 1, forms)], np.repeat(people, forms)),
                initials=_pairs(words[names_at[has_initials]], people[has_initials], distinct=True),
                starts=_distinct(
                    np.concatenate(
                        [
                            words[_ranges(offsets + 1 + forms, starts)],
                            stable_hashes(ascii_lowercase),  # one-letter initials start windows
                        ]
                    )
                ),
                lasts=_distinct(words[fuzzy_at + 3]),
                blocks=_pairs(
                    np.concatenate([words[fuzzy_at + 1], words[fuzzy_at + 2]]),
                    np.tile(np.arange(len(fuzzy_at), dtype=np.int64), 2),
                    stable=True,  # equal keys keep registry order: the candidate cap is fair
                ),
                fuzzy_names=list(compress(keys, fuzzy.tolist())),
                fuzzy_people=people[fuzzy],
                han_first=frozenset(filter(is_han, {key[0] for key in keys})),
            )

    @classmethod
    def merged(cls, base: _Layer, hidden: Collection[int], changes: _Layer) -> _Layer:
        """`base` without the `hidden` people, plus `changes`: what a full build would give
        (the start/last token filters may keep a few tokens no one uses any more)."""
        hide = np.array(sorted(hidden), dtype=np.int64)
        keep_fuzzy = np.flatnonzero(~np.isin(base.fuzzy_people, hide))
        renumber = np.full(len(base.fuzzy_names), -1, dtype=np.int64)
        renumber[keep_fuzzy] = np.arange(len(keep_fuzzy))
        kept_rows = renumber[base.blocks[1]]
        block_values = np.concatenate(
            [kept_rows[kept_rows >= 0], changes.blocks[1] + len(keep_fuzzy)]
        )
        return cls(
            exact=_pairs(*_concat(_without(base.exact, hide), changes.exact)),
            initials=_pairs(*_concat(_without(base.initials, hide), changes.initials)),
            starts=np.union1d(base.starts, changes.starts),
            lasts=np.union1d(base.lasts, changes.lasts),
            blocks=_pairs(
                np.concatenate([base.blocks[0][kept_rows >= 0], changes.blocks[0]]),
                block_values,
                stable=True,
            ),
            fuzzy_names=[base.fuzzy_names[i] for i in keep_fuzzy] + changes.fuzzy_names,
            fuzzy_people=np.concatenate([base.fuzzy_people[keep_fuzzy], changes.fuzzy_people]),
            han_first=base.han_first | changes.han_first,
        )

    def arrays(self) -> dict[str, Array]:
        """Everything as flat arrays (names as one UTF-8 buffer), for `np.savez`."""
        return {
            "exact_keys": self.exact[0],
            "exact_people": self.exact[1],
            "initial_keys": self.initials[0],
            "initial_people": self.initials[1],
            "starts": self.starts,
            "lasts": self.lasts,
            "block_keys": self.blocks[0],
            "block_rows": self.blocks[1],
            "fuzzy_names": _utf8("\n".join(self.fuzzy_names)),
            "fuzzy_people": self.fuzzy_people,
            "han_first": _utf8("".join(sorted(self.han_first))),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, Array]) -> _Layer:
        """The inverse of `arrays()`; raises `ValueError` unless every array is well formed
        (types, lengths, order, row numbers), so damaged arrays are refused, not searched."""
        text = {name: _text(arrays[name]) for name in ("fuzzy_names", "han_first")}
        layer = cls(
            exact=(_keys(arrays, "exact_keys"), _values(arrays, "exact_people")),
            initials=(_keys(arrays, "initial_keys"), _values(arrays, "initial_people")),
            starts=_keys(arrays, "starts"),
            lasts=_keys(arrays, "lasts"),
            blocks=(_keys(arrays, "block_keys"), _values(arrays, "block_rows")),
            fuzzy_names=text["fuzzy_names"].split("\n") if text["fuzzy_names"] else [],
            fuzzy_people=_values(arrays, "fuzzy_people"),
            han_first=frozenset(text["han_first"]),
        )
        for keys, values in (layer.exact, layer.initials, layer.blocks):
            if len(keys) != len(values):
                raise ValueError("keys and values differ in length")
        rows = layer.blocks[1]
        if len(layer.fuzzy_names) != len(layer.fuzzy_people) or (
            len(rows) and not 0 <= rows.min() <= rows.max() < len(layer.fuzzy_names)
        ):
            raise ValueError("misspelling candidates do not line up")
        if not all(map(is_han, layer.han_first)):
            raise ValueError("Chinese first characters are not Chinese")
        return layer


class NameIndex:
    """The matcher over one snapshot of the registry."""

    def __init__(self, rows: Iterable[AliasRow] = ()) -> None:
        self._set_layers(((_Layer.build(rows), frozenset()),))

    @classmethod
    def from_arrays(cls, arrays: dict[str, Array]) -> NameIndex:
        """An index saved with `arrays()`; raises `ValueError` if they are not well formed."""
        index = cls.__new__(cls)
        index._set_layers(((_Layer.from_arrays(arrays), frozenset()),))
        return index

    def arrays(self) -> dict[str, Array]:
        """The index as flat arrays to save; a changed index is merged into one layer first."""
        return self.compacted()._layers[0][0].arrays()

    def with_changes(self, rows: Iterable[AliasRow], changed: Collection[int]) -> NameIndex:
        """This index's base, with the `changed` people found only as `rows` now describe
        them (their active alias forms; none for a revoked person). Costs a build over the
        changed people only."""
        index = NameIndex.__new__(NameIndex)
        base = self._layers[0][0]
        index._set_layers(((base, frozenset(changed)), (_Layer.build(rows), frozenset())))
        return index

    def compacted(self) -> NameIndex:
        """The same index as one layer (merging arrays in memory, without the registry)."""
        if len(self._layers) == 1:
            return self
        (base, hidden), (changes, _) = self._layers
        index = NameIndex.__new__(NameIndex)
        index._set_layers(((_Layer.merged(base, hidden, changes), frozenset()),))
        return index

    @property
    def changed(self) -> int:
        """How many people the layer over changes covers (0 for a freshly built index)."""
        return len(self._layers[0][1])

    def _set_layers(self, layers: tuple[tuple[_Layer, frozenset[int]], ...]) -> None:
        self._layers = layers
        self._han_first = frozenset().union(*(layer.han_first for layer, _ in layers))
        self._hidden_rows = [
            frozenset(np.flatnonzero(np.isin(layer.fuzzy_people, list(hidden))).tolist())
            if hidden
            else frozenset()
            for layer, hidden in layers
        ]
        self.size = sum(len(layer.exact[0]) for layer, _ in layers)

    def find(self, view: MappedText) -> list[NameMatch]:
        """Every registered person named in `view`, once each, in order of appearance."""
        if not self.size:
            return []
        exact, fuzzy = self._windows(view.text)
        exact.extend(_spaced_windows(view))
        found: dict[int, NameMatch] = {}
        for position, person_id in self._exact(exact):
            _, start, end = exact[position]
            found.setdefault(person_id, NameMatch(person_id, start, end, fuzzy=False))
        for person_id, start, end in self._fuzzy(fuzzy):
            found.setdefault(person_id, NameMatch(person_id, start, end, fuzzy=True))
        return sorted(found.values(), key=lambda m: m.start)

    def _exact(self, windows: list[_Window]) -> list[tuple[int, int]]:
        """(window, person) for whole forms, and for initials ("S. Johansson") that belong
        to exactly one person, in window order."""
        if not windows:
            return []
        hashes = stable_hashes((w[0] for w in windows), len(windows))
        hits: list[tuple[int, int]] = []
        owners: dict[int, set[int]] = {}
        for layer, hidden in self._layers:
            hits.extend(_lookup(layer.exact, hashes, hidden=hidden))
            # Two owners left in a layer are enough to know an initial is ambiguous.
            for position, person_id in _lookup(layer.initials, hashes, 2, hidden):
                owners.setdefault(position, set()).add(person_id)
        hits.extend(
            (position, next(iter(people)))
            for position, people in owners.items()
            if len(people) == 1
        )
        return sorted(hits, key=itemgetter(0))

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
        hashes = stable_hashes((t for t, _ in tokens), len(tokens))
        can_start = np.zeros(len(tokens), dtype=bool)
        can_end = np.zeros(len(tokens), dtype=bool)
        for layer, _ in self._layers:
            can_start |= _member(layer.starts, hashes) | _member(layer.exact[0], hashes)
            can_end |= _member(layer.lasts, hashes)
        starts, lasts = can_start.tolist(), can_end.tolist()  # lists index faster than arrays
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
        if not positions:  # called between any two Latin tokens: mostly nothing to do
            return
        chars = "".join(text[p] for p in positions)
        for i, char in enumerate(chars):
            if char not in self._han_first:
                continue
            for length in range(2, min(_MAX_HAN, len(chars) - i) + 1):
                exact.append((chars[i : i + length], positions[i], positions[i + length - 1] + 1))

    def _fuzzy(self, windows: list[_Window]) -> Iterator[tuple[int, int, int]]:
        if not windows:
            return
        texts = _block_keys(
            [text.partition(" ")[0] for text, _, _ in windows],
            [text.rpartition(" ")[2] for text, _, _ in windows],
        )
        keys = stable_hashes(texts, len(texts))
        candidates: list[tuple[int, int, int]] = []  # (window, layer, row)
        for number, ((layer, _), hidden_rows) in enumerate(
            zip(self._layers, self._hidden_rows, strict=True)
        ):
            for key, row in _lookup(layer.blocks, keys, _MAX_CANDIDATES, hidden_rows):
                candidates.append((key % len(windows), number, row))
        candidates.sort(key=itemgetter(0))  # a person is reported at the first window naming them
        seen: set[tuple[int, int, int]] = set()
        for position, number, row in candidates:
            if (position, number, row) in seen:
                continue
            seen.add((position, number, row))
            text, start, end = windows[position]
            layer = self._layers[number][0]
            name = layer.fuzzy_names[row]
            allowed = 2 if len(name) >= 12 else 1
            if Levenshtein.distance(text, name, score_cutoff=allowed) <= allowed:
                yield int(layer.fuzzy_people[row]), start, end


_Window = tuple[str, int, int]


def _spaced_windows(view: MappedText) -> Iterator[_Window]:
    """Inside a run of spaced-out letters ("n u d e s c a r l e t t j o h a n s s o n"), whose
    word breaks are lost, every stretch between two letter joints: a name written together
    ("scarlettjohansson") is one of the forms the index keeps."""
    if not view.joints:
        return
    text = view.text
    for token in TOKEN.finditer(text):
        cuts = [token.start(), *sorted(j for j in view.joints if token.start() < j < token.end())]
        if len(cuts) == 1:
            continue
        cuts.append(token.end())
        for i, start in enumerate(cuts):
            yield from ((text[start:end], start, end) for end in cuts[i + 1 :])


def _block_pair(first: str, last: str) -> tuple[str, str]:
    """A name's two blocking keys: one typo leaves one token whole, so block on it plus the
    other token's first two letters."""
    return f"<{first} {last[:2]}", f">{first[:2]} {last}"


def _block_keys(firsts: list[str], lasts: list[str]) -> list[str]:
    """The blocking keys of many names: all their first keys, then all their second."""
    pairs = list(map(_block_pair, firsts, lasts))
    return [pair[0] for pair in pairs] + [pair[1] for pair in pairs]


def _pairs(keys: Hashes, values: Ids, *, stable: bool = False, distinct: bool = False) -> _Pairs:
    """Sorted by key for binary search; `distinct` drops repeated (key, value) pairs."""
    if distinct:
        order = np.lexsort((values, keys))
        keys, values = keys[order], values[order]
        new = np.ones(len(keys), dtype=bool)
        new[1:] = (keys[1:] != keys[:-1]) | (values[1:] != values[:-1])
        return keys[new], values[new]
    order = np.argsort(keys, kind="stable" if stable else None)
    return keys[order], values[order]


def _concat(first: _Pairs, second: _Pairs) -> _Pairs:
    return np.concatenate([first[0], second[0]]), np.concatenate([first[1], second[1]])


def _without(pairs: _Pairs, people: Ids) -> _Pairs:
    keep = ~np.isin(pairs[1], people)
    return pairs[0][keep], pairs[1][keep]


def _distinct(hashes: Hashes) -> Hashes:
    """Sorted distinct hashes (sorting then masking: `np.unique` was 50 times slower here)."""
    hashes = np.sort(hashes)
    new = np.ones(len(hashes), dtype=bool)
    new[1:] = hashes[1:] != hashes[:-1]
    return hashes[new]


def _ranges(starts: Ids, counts: Ids) -> Ids:
    """The positions `start, start + 1, ..., start + count - 1` of every pair, concatenated."""
    shift = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return shift + np.arange(len(shift))


def _member(sorted_hashes: Hashes, hashes: Hashes) -> npt.NDArray[np.bool_]:
    """For each hash, whether it is in `sorted_hashes`."""
    if not len(sorted_hashes):
        return np.zeros(len(hashes), dtype=bool)
    slots = np.minimum(np.searchsorted(sorted_hashes, hashes), len(sorted_hashes) - 1)
    found: npt.NDArray[np.bool_] = sorted_hashes[slots] == hashes
    return found


def _lookup(
    index: _Pairs, hashes: Hashes, limit: int | None = None, hidden: Collection[int] = ()
) -> Iterator[tuple[int, int]]:
    """(query position, value) for stored keys equal to a query hash, skipping `hidden`
    values, at most `limit` for each query."""
    keys, values = index
    if not len(keys) or not len(hashes):
        return
    lower = np.searchsorted(keys, hashes)
    hit = keys[np.minimum(lower, len(keys) - 1)] == hashes
    for position in np.flatnonzero(hit):
        wanted, slot, taken = hashes[position], int(lower[position]), 0
        while slot < len(keys) and keys[slot] == wanted and (limit is None or taken < limit):
            value = int(values[slot])
            slot += 1
            if value not in hidden:
                taken += 1
                yield int(position), value


def _utf8(text: str) -> npt.NDArray[np.uint8]:
    return np.frombuffer(text.encode(), dtype=np.uint8)


def _text(array: Array) -> str:
    if array.dtype != np.uint8 or array.ndim != 1:
        raise ValueError("text is not stored as bytes")
    return array.tobytes().decode()


def _keys(arrays: dict[str, Array], name: str) -> Hashes:
    keys = arrays[name]
    if keys.dtype != np.uint64 or keys.ndim != 1 or np.any(keys[1:] < keys[:-1]):
        raise ValueError(f"{name} is not a sorted array of hashes")
    return keys


def _values(arrays: dict[str, Array], name: str) -> Ids:
    values = arrays[name]
    if values.dtype != np.int64 or values.ndim != 1:
        raise ValueError(f"{name} is not an array of ids")
    return values


def _script_runs(text: str) -> Iterator[tuple[str, int, bool]]:
    """Maximal runs of Chinese characters, and the space-separated tokens between them."""
    position = 0
    for han in HAN_RUN.finditer(text):
        yield from _tokens(text, position, han.start())
        yield han.group(), han.start(), True
        position = han.end()
    yield from _tokens(text, position, len(text))


def _tokens(text: str, start: int, end: int) -> Iterator[tuple[str, int, bool]]:
    for token in TOKEN.finditer(text, start, end):
        yield token.group(), token.start(), False
