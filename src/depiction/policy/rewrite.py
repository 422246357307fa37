"""Revisions remove only the harmful part of a prompt and leave every other word intact."""

from __future__ import annotations

import re

from depiction.decision import Signal
from depiction.policy.schema import Rewrite

_SPACES = re.compile(r"[ \t]{2,}")
_DANGLING = re.compile(r"\s+([,.;:!?，。；：、])")
_REPEATED_PUNCT = re.compile(r"([,;，；、])(\s*[,;，；、])+")
_EDGE_PUNCT = re.compile(r"^[\s,;:，；、]+|[\s,;:，；、]+$")


def apply_rewrites(prompt: str, rewrites: list[Rewrite], signals: list[Signal]) -> str:
    """Cut every span the rewrites target, with its connector phrases, then tidy punctuation."""
    cuts: list[tuple[int, int, str]] = []
    for rewrite in rewrites:
        targets = [s.span for s in signals if s.kind in rewrite.remove and s.span is not None]
        for position, (start, end, _text) in enumerate(sorted(targets)):
            start = _extend_left(prompt, start, rewrite.connectors_before)
            end = _extend_right(prompt, end, rewrite.connectors_after)
            cuts.append((start, end, rewrite.replacement if position == 0 else ""))
    return _tidy(_cut(prompt, cuts))


def _extend_left(prompt: str, start: int, connectors: list[str]) -> int:
    head = prompt[:start].rstrip()
    lowered = head.lower()
    for connector in sorted(connectors, key=len, reverse=True):
        if lowered.endswith(connector.lower()) and _boundary_before(
            head, len(head) - len(connector)
        ):
            return len(head) - len(connector)
    return start


def _extend_right(prompt: str, end: int, connectors: list[str]) -> int:
    tail = prompt[end:]
    stripped = tail.lstrip() if tail[:1] not in ("'", "-") else tail
    offset = len(tail) - len(stripped)
    lowered = stripped.lower()
    for connector in sorted(connectors, key=len, reverse=True):
        if lowered.startswith(connector.lower()):
            after = end + offset + len(connector)
            if after == len(prompt) or not prompt[after].isalnum() or not connector[-1].isascii():
                return after
    return end


def _boundary_before(text: str, index: int) -> bool:
    return index <= 0 or not text[index - 1].isalnum() or not text[index].isascii()


def _cut(prompt: str, cuts: list[tuple[int, int, str]]) -> str:
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
    text = _DANGLING.sub(r"\1", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    return _EDGE_PUNCT.sub("", text).strip()
