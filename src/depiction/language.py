"""Cheap script-based language detection: enough to report en / zh / other per request."""

import re

_LATIN_WORD = re.compile(r"[a-z]+")
# Function words that are frequent in other Latin-script languages and rare in English prompts.
_FOREIGN = frozenset(
    "de la el los las una un del por para con que der die das und ein eine mit ist nicht le les des du est avec pour dans il och att het een van zijn".split()
)
_ENGLISH = frozenset(
    "the a an of in on with and or to for at by from is are this that his her its their make made as into over under".split()
)


def detect_language(folded: str) -> str:
    """'zh' when CJK ideographs dominate, 'en' for English-looking Latin text, else 'other'."""
    han = sum(1 for c in folded if "\u3400" <= c <= "\u9fff")
    kana_or_hangul = sum(
        1 for c in folded if "\u3040" <= c <= "\u30ff" or "\uac00" <= c <= "\ud7af"
    )
    latin = sum(1 for c in folded if "a" <= c <= "z")
    if kana_or_hangul:
        return "other"
    if han and han * 3 >= latin:
        return "zh"
    if not latin:
        return "other"
    words = _LATIN_WORD.findall(folded)
    foreign = sum(1 for w in words if w in _FOREIGN)
    english = sum(1 for w in words if w in _ENGLISH)
    return "other" if foreign > english else "en"
