"""The naive approach depiction replaces: refuse any prompt containing a sensitive word."""

from __future__ import annotations

import re
from functools import cached_property
from importlib import resources

from depiction.decision import Action


class KeywordBaseline:
    """A blocklist of sensitive words (EN + ZH), matched case-insensitively on whole words.

    This is what "refuse everything sensitive" looks like in practice; it exists so reports
    can show what precise decisions gain over it.
    """

    name = "keyword"

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        source = resources.files("depiction") / "data" / "baselines" / "keyword_blocklist.txt"
        words = [
            line.strip().casefold()
            for line in source.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        latin = [re.escape(w) for w in words if w.isascii()]
        cjk = [re.escape(w) for w in words if not w.isascii()]
        return re.compile(rf"\b(?:{'|'.join(latin)})\b|{'|'.join(cjk)}")

    def decide(self, prompt: str) -> Action:
        """'refuse' if any blocklisted word occurs, else 'allow'."""
        return "refuse" if self._pattern.search(prompt.casefold()) else "allow"
