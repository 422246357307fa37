"""Cues that someone depicted is under 18: minor-denoting words, and stated ages."""

from __future__ import annotations

import re

from depiction.decision import Signal
from depiction.detectors.lexicon import LexiconDetector
from depiction.normalize import NormalizedText
from depiction.request import Request

ADULT_AGE = 18

_EN_NUMBERS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_ZH_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_EN_NUMBER = r"\d{1,2}|" + "|".join(sorted(_EN_NUMBERS, key=len, reverse=True))
# Ages of things, not people ("a 12 year old whisky") are not minor cues.
_NOT_A_PERSON = (
    r"(?!\s*(?:whisk(?:e)?y|scotch|bourbon|wine|rum|cognac|cheese|tree|oak|house|building|car"
    r"|company|bottle|cask|temple|church|castle|bridge|cat|dog|horse|tortoise|painting)s?\b)"
)
# "who is 11", "canonically 11": a bare number said of a person, unless a unit follows.
_NOT_A_UNIT = (
    r"(?!\s*(?:%|feet|foot|ft|inch|inches|cm|m|meters?|metres?|kg|lbs?|pounds|times|of|out))"
)
_AGE_PATTERNS = (
    re.compile(
        rf"\b(?P<age>{_EN_NUMBER})(?:\s|-)*(?:years?|yrs?)(?:\s|-)*old\b{_NOT_A_PERSON}"
        rf"|\b(?P<age2>{_EN_NUMBER})\s*(?:yo|y/o|y\.o\.?)(?=\W|$)"
        rf"|\baged?\s*:?\s*(?P<age3>\d{{1,2}})\b"
        rf"|\b(?:(?:who|she|he|they)\s+(?:is|are|was|were)|canonically)\s+(?:only\s+|just\s+)?"
        rf"(?P<age4>{_EN_NUMBER})\b{_NOT_A_UNIT}"
    ),
    re.compile(r"(?P<age>\d{1,2}|[一二两三四五六七八九十]{1,3})\s*周?岁(?!月)"),
)


class MinorsDetector(LexiconDetector):
    name = "minors"
    signals = ("minor",)

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        found = super().detect(request, text)
        for pattern in _AGE_PATTERNS:
            for match in pattern.finditer(text.folded.text):
                age = parse_age(next(v for v in match.groupdict().values() if v))
                if age is not None and age < ADULT_AGE:
                    found.append(
                        Signal(
                            kind="minor",
                            span=text.quote(text.folded, match.start(), match.end()),
                            source=self.name,
                            data={"age": age},
                        )
                    )
        return found


def parse_age(token: str) -> int | None:
    """An age written as digits, an English word or Chinese numerals (up to 九十九)."""
    if token.isdigit():
        return int(token)
    if token in _EN_NUMBERS:
        return _EN_NUMBERS[token]
    tens, sep, units = token.partition("十")
    if not sep:
        return _ZH_DIGITS.get(token)
    if (tens and tens not in _ZH_DIGITS) or (units and units not in _ZH_DIGITS):
        return None
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[units] if units else 0)
