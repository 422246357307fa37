"""Revisions remove only the restricted part of a prompt and keep every other word intact.

A removed span takes its connector phrase with it ("in the style of X", "X's style",
"X的风格"), so no "in the style of ," dangles. Spans of `list_kinds` signals form lists with
the removed ones ("by X and Y", "穆夏和X风格"): when every item of a list is removed, the
list goes with its connectors; when some items stay, only the removed items and their
separators go, and the connectors stay with the items that remain.
"""

from __future__ import annotations

import re

from depiction.decision import Signal
from depiction.lists import LIST_GAP
from depiction.policy.schema import Rewrite

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?，。；：、])")
_REPEATED_PUNCT = re.compile(r"([,;，；、])(\s*[,;，；、])+")
_EDGE_PUNCT = re.compile(r"^[\s,;:，；、。]+|[\s,;:，；、]+$")

Span = tuple[int, int]


def apply_rewrites(prompt: str, rewrites: list[Rewrite], signals: list[Signal]) -> str:
    """Cut every span the rewrites target, with its connectors, then tidy punctuation."""
    cuts: list[tuple[int, int, str]] = []
    for rewrite in rewrites:
        targets = _spans(signals, rewrite.remove)
        if not targets:
            continue
        items = sorted(set(targets) | set(_spans(signals, rewrite.list_kinds)))
        own = [
            cut
            for group in _lists(prompt, items)
            for cut in _cut_group(prompt, group, set(targets), rewrite)
        ]
        if rewrite.replacement and own:  # in this rule's first cut, never another rule's
            start, end, _ = own[0]
            own[0] = (start, end, f" {rewrite.replacement} ")
        cuts.extend(own)
    return _tidy(_apply(prompt, cuts))


def leaves_nothing(revised: str, filler: list[str]) -> bool:
    """Whether only filler words ("a", "style", "画") are left after a revision."""
    words = set(filler)
    remaining = _WORD.findall(revised.casefold())
    return all(word in words or all(char in words for char in word) for word in remaining)


def _spans(signals: list[Signal], kinds: list[str]) -> list[Span]:
    return [(s.span[0], s.span[1]) for s in signals if s.kind in kinds and s.span is not None]


def _lists(prompt: str, items: list[Span]) -> list[list[Span]]:
    """Group spans separated only by a comma or a conjunction ("X, Y and Z")."""
    groups: list[list[Span]] = []
    for item in items:
        if groups and LIST_GAP.match(prompt[groups[-1][-1][1] : item[0]]):
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _cut_group(
    prompt: str, group: list[Span], targets: set[Span], rewrite: Rewrite
) -> list[tuple[int, int, str]]:
    removed = [item for item in group if item in targets]
    if not removed:
        return []
    if len(removed) == len(group):
        start = _extend_left(prompt, group[0][0], group[-1][1], rewrite)
        return [(start, _extend_right(prompt, group[-1][1], rewrite.connectors_after)[0], "")]
    cuts = []
    position = 0
    while position < len(group):
        if group[position] not in targets:
            position += 1
            continue
        last = position
        while last + 1 < len(group) and group[last + 1] in targets:
            last += 1
        if position > 0:  # a run after a kept item takes the separator before it: "A and X"
            cuts.append((group[position - 1][1], group[last][1], ""))
        else:  # a leading run takes the separator after it: "X, Y and A" -> "A"
            cuts.append((group[0][0], group[last + 1][0], ""))
        position = last + 1
    return cuts


def _extend_left(prompt: str, start: int, end: int, rewrite: Rewrite) -> int:
    head = prompt[:start].rstrip()
    found = _ending_connector(head, rewrite.connectors_before)
    if found is None and _extend_right(prompt, end, rewrite.connectors_after)[1]:
        found = _ending_connector(head, rewrite.connectors_wrapping)  # "in X's style"
    return start if found is None else len(head) - len(found)


def _ending_connector(head: str, connectors: list[str]) -> str | None:
    lowered = head.lower()
    for connector in sorted(connectors, key=len, reverse=True):
        at = len(head) - len(connector)
        if lowered.endswith(connector.lower()) and (
            at <= 0 or not head[at - 1].isalnum() or not connector[0].isascii()
        ):
            return connector
    return None


def _extend_right(prompt: str, end: int, connectors: list[str]) -> tuple[int, bool]:
    """The end of the span with its trailing connector, and whether there was one."""
    tail = prompt[end:]
    stripped = tail if tail[:1] in ("'", "’", "-") else tail.lstrip()
    offset = len(tail) - len(stripped)
    lowered = stripped.lower()
    for connector in sorted(connectors, key=len, reverse=True):
        after = end + offset + len(connector)
        if lowered.startswith(connector.lower()) and (
            after == len(prompt) or not prompt[after].isalnum() or not connector[-1].isascii()
        ):
            return after, True
    return end, False


def _apply(prompt: str, cuts: list[tuple[int, int, str]]) -> str:
    merged: list[tuple[int, int, str]] = []
    for start, end, replacement in sorted(cuts):
        if merged and start <= merged[-1][1]:
            last_start, last_end, last_replacement = merged[-1]
            merged[-1] = (last_start, max(end, last_end), last_replacement or replacement)
        else:
            merged.append((start, end, replacement))
    pieces, cursor = [], 0
    for start, end, replacement in merged:
        pieces.extend([prompt[cursor:start], replacement])
        cursor = end
    pieces.append(prompt[cursor:])
    return "".join(pieces)


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    return _EDGE_PUNCT.sub("", text).strip()
