"""Prompts that ask for information rather than for a picture ("What is an execution?").

Chat front-ends pass such questions to image services, and the learned classifier, trained on
image requests, reads their topic as the harm. The signal lets the policy tell the two apart:
a single sentence that opens with a question word of any language (`questions` in
``data/languages``), ends with a question mark and names no picture (`picture_words`: "draw",
"photo", "poster" …). "Can you draw …?" and "What would she look like naked?" are no
information questions.
"""

from __future__ import annotations

import re

from depiction.decision import Signal
from depiction.detectors.base import Detector, LoadContext
from depiction.langdata import merged
from depiction.matching import TermMatcher
from depiction.normalize import NormalizedText
from depiction.request import Request

_QUESTION_MARKS = ("?", "？", "؟")
_SENTENCE_BREAK = re.compile(r"[.!?;:。！？；：؟\n]")


class QuestionDetector(Detector):
    name = "question"
    signals = ("info_question",)
    languages = ("any",)
    modes = ("generate",)

    def __init__(self) -> None:
        self._openers: TermMatcher[str] | None = None
        self._pictures: TermMatcher[str] | None = None

    def load(self, context: LoadContext) -> None:
        fold = context.normalizer
        self._openers = TermMatcher(fold, ((q, q) for q in merged("questions")))
        self._pictures = TermMatcher(fold, ((p, p) for p in merged("picture_words")))

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        assert self._openers is not None and self._pictures is not None, "load() was not called"
        sentence = text.original.strip()
        if not sentence.endswith(_QUESTION_MARKS) or _SENTENCE_BREAK.search(sentence[:-1]):
            return []
        words = text.words
        start = len(words.text) - len(words.text.lstrip())
        opener = next((m for m in self._openers.find(words) if m.start == start), None)
        if opener is None or self._pictures.find(words):
            return []
        return [
            Signal(
                kind="info_question",
                span=text.quote(words, opener.start, opener.end),
                source=self.name,
            )
        ]
