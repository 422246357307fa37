"""Cues that someone depicted is under 18: minor-denoting words, and stated ages."""

from __future__ import annotations

import re
from collections.abc import Callable

from depiction.decision import Signal
from depiction.detectors.base import LoadContext
from depiction.detectors.lexicon import LexiconDetector
from depiction.langdata import AgeWords, languages
from depiction.normalize import NormalizedText, Normalizer
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
# "who is 11", "she's 11", "she looks 11", "canonically 11": a bare number said of a person,
# unless a unit follows ("she's 5 feet tall").
_NOT_A_UNIT = (
    r"(?!\s*(?:%|['’\"]|feet|foot|ft|inch|inches|cm|m|meters?|metres?|kg|lbs?|pounds|times|of|out))"
)
_AGE_PATTERNS = (
    re.compile(
        rf"\b(?P<age>{_EN_NUMBER})(?:\s|-)*(?:years?|yrs?)(?:\s|-)*old\b{_NOT_A_PERSON}"
        rf"|\b(?P<age2>{_EN_NUMBER})\s*(?:yo|y/o|y\.o\.?)(?=\W|$)"
        rf"|\baged?\s*:?\s*(?P<age3>\d{{1,2}})\b"
        rf"|\b(?:(?:who|she|he|they)\s+(?:is|are|was|were)|(?:she|he)['’]?s|(?:she|he)\s+looks"
        rf"|canonically)\s+(?:only\s+|just\s+)?"
        rf"(?P<age4>{_EN_NUMBER})\b{_NOT_A_UNIT}"
    ),
    re.compile(r"(?P<age>\d{1,2}|[一二两三四五六七八九十]{1,3})\s*周?[岁歳](?!月)"),
    # "Lisa (13)", "девочка (12)": the press's way of giving an age, in any script; not a
    # numbered step or picture ("Schritt (2):", "photo (3)").
    re.compile(
        r"(?<!\w)(?!(?:step|schritt|paso|etape|passo|шаг|part|teil|page|seite|fig|figure|image"
        r"|bild|photo|foto|pose|panel|frame|version|option)\s*\()[^\W\d_]+\s*"
        r"\((?P<age>\d{1,2})\)(?!\s*[:.])"
    ),
)


class StatedAges:
    """Ages stated the way the language files (``data/languages``) say, in every language at
    once: a number (digits in any script, or a number word) and a unit ("12 años", "열두 살",
    "12-летняя"), a word before a number ("عمرها 12"), or one word ("quattordicenne"). A number
    of years that is a duration ("hace 12 años", "12 лет назад") is not an age: a language's
    duration words veto only what that language's words found, so Portuguese "há" (ago) does
    not veto Italian "ha 15 anni" (is 15), but does veto "há 12 anos", which Spanish
    "anos" also finds."""

    def __init__(self, normalizer: Normalizer, words: list[AgeWords]) -> None:
        fold = normalizer.fold_term
        self._values = {fold(w): v for data in words for w, v in data.numbers.items()}
        self._values |= {fold(w.rstrip("*")): v for data in words for w, v in data.ages.items()}
        number = _alternatives([*self._values], fold, bounded=False) + r"|\d{1,2}"
        self._pattern = _age_pattern(number, words, fold)
        self._languages = [_LanguageAges(data, number, fold) for data in words]

    def find(self, folded: str) -> list[tuple[int, int, int]]:
        """(start, end, age) of each stated age in a folded text: one pattern of every
        language finds them; the duration words of the languages whose own words make up
        the match (all languages when it mixes them) may veto each."""
        found = []
        for match in self._pattern.finditer(folded):
            token = " ".join(re.split(r"[\s-]+", next(v for v in match.groupdict().values() if v)))
            age = int(token) if token.isdigit() else self._value(token)
            if age is None:
                continue
            span = match.span()
            owners = [
                language
                for language in self._languages
                if language.pattern.fullmatch(folded, *span)
            ] or self._languages
            if not any(language.duration(folded, *span) for language in owners):
                found.append((*span, age))
        return found

    def _value(self, token: str) -> int | None:
        """A number word's value; a one-word age ("двенадцатилетняя") by its longest prefix."""
        if token in self._values:
            return self._values[token]
        prefixes = [word for word in self._values if token.startswith(word)]
        return self._values[max(prefixes, key=len)] if prefixes else None


class _LanguageAges:
    """One language's ways of stating an age, and its words that make one a duration."""

    def __init__(self, data: AgeWords, number: str, fold: Callable[[str], str]) -> None:
        self.pattern = _age_pattern(number, [data], fold)
        self._not_before = tuple(" " + fold(w) for w in data.not_before)
        self._not_after = tuple(fold(w) for w in data.not_after)

    def duration(self, folded: str, start: int, end: int) -> bool:
        """A word before or after the age that makes it a duration; whole words only, so
        "se" (Hindi "from") does not veto "12 anos sexy", nor "fa" (Italian "ago") "12 fare"."""
        head = " " + " ".join(folded[:start].split())
        tail = " ".join(folded[end:].split()) + " "
        return head.endswith(self._not_before) or any(
            tail.startswith(word) and (_unspaced(word) or not tail[len(word)].isalnum())
            for word in self._not_after
        )


def _age_pattern(number: str, words: list[AgeWords], fold: Callable[[str], str]) -> re.Pattern[str]:
    """A number and a unit, a word and a number, or a one-word age, in these languages."""
    units = _alternatives([u for data in words for u in data.units], fold)
    before = _alternatives([b for data in words for b in data.before], fold)
    ages = _alternatives([a for data in words for a in data.ages], fold)
    return re.compile(
        rf"(?<![\w.,])(?P<age>{number})[\s-]*(?:{units})"
        rf"|(?<!\w)(?:{before})\s*:?\s*(?P<age2>\d{{1,2}})(?!\d)"
        rf"|(?<!\w)(?P<age3>{ages})"
    )


def _unspaced(word: str) -> bool:
    """A word of a script written without spaces or with particles attached (Han, kana,
    Hangul), which ends where it ends: "12歳前", "12살 전에"."""
    return ord(word[-1]) >= 0x3000


def _alternatives(words: list[str], fold: Callable[[str], str], *, bounded: bool = True) -> str:
    """A regex alternation of folded words, longest first; ``*`` ends a word prefix, and a
    `bounded` word must end where the word does."""
    parts = set()
    for word in words:
        folded = re.escape(fold(word.rstrip("*"))).replace(r"\ ", r"[\s-]+")
        end = r"\w*" if word.endswith("*") else r"(?!\w)" if bounded else ""
        parts.add(folded + end)
    return "|".join(sorted(parts, key=len, reverse=True)) or r"(?!x)x"


class MinorsDetector(LexiconDetector):
    name = "minors"
    signals = ("minor",)

    def __init__(self) -> None:
        super().__init__()
        self._ages: StatedAges | None = None

    def load(self, context: LoadContext) -> None:
        super().load(context)
        self._ages = StatedAges(context.normalizer, [d.age for d in languages().values()])

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        found = super().detect(request, text)
        assert self._ages is not None, "load() was not called"
        stated = [
            (m.start(), m.end(), parse_age(next(v for v in m.groupdict().values() if v)))
            for pattern in _AGE_PATTERNS
            for m in pattern.finditer(text.folded.text)
        ]
        for start, end, age in stated + self._ages.find(text.folded.text):
            if age is not None and age < ADULT_AGE:
                found.append(
                    Signal(
                        kind="minor",
                        span=text.quote(text.folded, start, end),
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
