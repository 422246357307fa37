"""Normalize a prompt once into matching views that keep offsets into the original.

Detectors never match the raw prompt: evasions such as full-width letters, zero-width
characters, diacritics, Cyrillic look-alikes, leetspeak ("n4ked") and spaced letters
("n.u.d.e") are folded away first. Every view keeps, for each of its characters, the index
of the original character it came from, so explanations can quote the user's own words.
"""

from __future__ import annotations

import re
import string
import threading
import unicodedata
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate
from typing import NamedTuple

from depiction.inflection import Inflections
from depiction.language import LanguageIdentifier
from depiction.views import MappedText

_ZERO_WIDTH = frozenset(
    "\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)

# Latin look-alikes from Cyrillic and Greek, folded only inside tokens that also contain
# Latin letters (a classic evasion), so genuine Russian or Greek text is left alone.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "γ": "y",
    }
)
_HOMOGLYPH_CHARS = frozenset("авеёкмнорстухіјѕԁԛԝαβειкνορτυχγ")

# Leetspeak, folded only inside tokens that mix Latin letters with these characters, so
# plain numbers ("13 year old") stay numbers.
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s"}
)
_LEET_CHARS = frozenset("0134578@$")
# The same inside Cyrillic words ("г0лая", "3ашквар", "н@г@я"): characters that look like
# Cyrillic letters.
_CYRILLIC_LEET = str.maketrans({"0": "о", "3": "з", "4": "ч", "6": "б", "@": "а"})
_CYRILLIC_LEET_CHARS = frozenset("0346@")
# Combining marks are part of words: Devanagari and other Indic vowel signs, Arabic harakat,
# Thai and Myanmar marks (without them "नरेंद्र" falls apart into "नर द र").
_MARKS = (
    "\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0963\u0966-\u0dff\u0e31-\u0e3a\u0e47-\u0e4e\u1000-\u109f\u17b4-\u17d3"
)
_TOKEN = re.compile(rf"(?:[^\W_]|[@$]|[{_MARKS}])+", re.UNICODE)
# Devanagari writes a nasal before a consonant either as the nasal letter with a virama or as
# an anusvara (नरेन्द्र / नरेंद्र): both fold to the anusvara.
_DEVANAGARI_NASAL = re.compile("[ङञणनम]\u094d(?=[\u0915-\u0939])")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
# A number with an ordinal or unit ("44th", "12yo", "4k", "1080p", "90s") is not leetspeak.
_NUMBER_WITH_UNIT = re.compile(r"^[0-9]+[a-z]{1,3}$")


# A run of this many spaced-out letters is searched inside (it often spells several words:
# "g o l a y a s h k o l n i c a"); a shorter one is one word ("M ü l l e r" holds "müll").
_SEVERAL_WORDS = 7


HAN_RUN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


def is_han(char: str) -> bool:
    """CJK ideographs (and compatibility ideographs): matched as substrings, not words."""
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F


def is_word_char(char: str) -> bool:
    """A character that continues an alphabetic word; CJK never does (no spaces there)."""
    return (char.isalnum() or unicodedata.category(char)[0] == "M") and ord(char) < 0x2E80


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The views detectors match against, computed once per request."""

    original: str
    folded: MappedText
    """NFKC, casefold, diacritics, zero-width, traditional→simplified; punctuation and digits kept."""
    words: MappedText
    """`folded` plus leet/homoglyph folding, punctuation runs as one space, spaced letters joined."""
    names: MappedText
    """`words` with inflectional endings and clitics cut, for matching names (Путина → путин)."""
    language: str

    def quote(self, view: MappedText, start: int, end: int) -> tuple[int, int, str]:
        """The original [start, end, text] span behind a range of `view`."""
        o_start, o_end = view.original_span(start, end)
        return o_start, o_end, self.original[o_start:o_end]

    def quote_name(self, start: int, end: int) -> tuple[int, int, str]:
        """Like `quote` on the `names` view, widened to the whole words of the original, so
        the quote keeps the endings and clitics that matching cut ("Путина", "لترامب")."""
        o_start, o_end = self.names.original_span(start, end)
        while o_start > 0 and is_word_char(self.original[o_start - 1]):
            o_start -= 1
        while o_end < len(self.original) and is_word_char(self.original[o_end]):
            o_end += 1
        return o_start, o_end, self.original[o_start:o_end]


class Normalizer:
    """Folds text for matching. Loads the traditional→simplified table once, on first use."""

    def __init__(self) -> None:
        self._t2s: dict[str, str] | None = None
        self._languages = LanguageIdentifier.shipped()
        self._inflections: Inflections | None = None
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def load(self) -> None:
        """Read the character table shipped by opencc-python-reimplemented (one-to-one forms),
        the language-identification model and the languages' name inflections."""
        self._languages.load()
        self._inflections = Inflections.shipped()
        with self._lock:
            if self._t2s is not None:
                return
            table: dict[str, str] = {}
            source = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
            for line in source.read_text(encoding="utf-8").splitlines():
                trad, _, simp = line.partition("\t")
                simp_first = simp.split(" ")[0]
                if len(trad) == 1 and len(simp_first) == 1:
                    table[trad] = simp_first
            self._t2s = table

    def normalize(self, prompt: str) -> NormalizedText:
        """Build every view of `prompt`."""
        if self._inflections is None:
            self.load()
        assert self._inflections is not None
        folded = self._fold(prompt)
        words = _word_view(folded)
        return NormalizedText(
            original=prompt,
            folded=folded,
            words=words,
            names=self._inflections.view(words),
            language=self._languages.identify(prompt),
        )

    def fold_name(self, name: str) -> str:
        """Fold a name as the `names` view folds prompts."""
        if self._inflections is None:
            self.load()
        assert self._inflections is not None
        return self._inflections.term(self.fold_term(name))

    def fold_term(self, term: str) -> str:
        """Fold a lexicon term exactly as prompts are folded, so both sides meet."""
        if term.isascii():
            lowered = term.lower()
            words = _ASCII_WORD.findall(lowered)
            plain = "".join(words).isalpha() and "@" not in lowered and "$" not in lowered
            if plain and not _spaced(words):
                return " ".join(words)  # plain words: the general path would give the same
            return " ".join(token.text for token in _tokens(lowered, None))
        return " ".join(token.text for token in _tokens(self._fold(term).text, None))

    def _fold(self, text: str) -> MappedText:
        if text.isascii():  # the common case: lower-casing is the whole fold
            return MappedText(text.lower(), tuple(range(len(text))))
        table: dict[int, str] = {}
        for char in set(text):
            if not char.isascii():
                cached = self._cache.get(char)
                table[ord(char)] = cached if cached is not None else self._fold_char(char)
        if all(len(folded) == 1 for folded in table.values()):  # one character each: no map
            folded_text = text.translate(table | _ASCII_LOWER)
            origin = list(range(len(text)))
        else:
            chars: list[str] = []
            origin = []
            for index, char in enumerate(text):
                folded = table.get(ord(char), char.lower())
                chars.append(folded)
                origin.extend([index] * len(folded))
            folded_text = "".join(chars)
        if "\u094d" in folded_text:
            return _fold_nasals(folded_text, origin)
        return MappedText(folded_text, tuple(origin))

    def _fold_char(self, char: str) -> str:
        if self._t2s is None:
            self.load()
        assert self._t2s is not None
        if char in _ZERO_WIDTH or "\u064b" <= char <= "\u0652" or char == "\u0640":
            folded = ""  # invisible, or Arabic short-vowel marks and tatweel (optional in writing)
        else:
            folded = _strip_latin_diacritics(unicodedata.normalize("NFKC", char)).casefold()
            folded = "".join(self._t2s.get(c, c) for c in folded)
        self._cache[char] = folded
        return folded


_ASCII_LOWER = {ord(c): c.lower() for c in string.ascii_uppercase}


def _fold_nasals(text: str, origin: list[int]) -> MappedText:
    """Nasal + virama before a consonant → anusvara, keeping the origin of the nasal."""
    chars: list[str] = []
    kept: list[int] = []
    cursor = 0
    for match in _DEVANAGARI_NASAL.finditer(text):
        chars.append(text[cursor : match.start()])
        kept.extend(origin[cursor : match.start()])
        chars.append("\u0902")
        kept.append(origin[match.start()])
        cursor = match.end()
    chars.append(text[cursor:])
    kept.extend(origin[cursor:])
    return MappedText("".join(chars), tuple(kept))


def _strip_latin_diacritics(text: str) -> str:
    """Drop accents on Latin letters only (é→e), leaving kana voicing marks and the like intact."""
    decomposed = unicodedata.normalize("NFD", text)
    if len(decomposed) == len(text) or not is_latin(decomposed[0]):
        return text
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def is_latin(char: str) -> bool:
    """A Latin letter, with or without diacritics (é, ş, ễ)."""
    code = ord(char)
    return code < 0x250 or 0x1E00 <= code <= 0x1EFF


class _Token(NamedTuple):
    text: str
    origin: tuple[int, ...]
    joints: tuple[int, ...] = ()
    """Offsets inside `text` where a joined spaced-out letter begins (see MappedText.joints)."""


def _tokens(text: str, origin: tuple[int, ...] | None) -> list[_Token]:
    """Folded word tokens, each with its origin indices (none when `origin` is None)."""
    tokens = [
        _Token(_fold_token(m.group()), origin[m.start() : m.end()] if origin is not None else ())
        for m in _TOKEN.finditer(text)
    ]
    return _join_spaced_letters(tokens)


def _word_view(folded: MappedText) -> MappedText:
    """Tokens separated by single spaces; leet, homoglyphs and spaced-out letters folded."""
    tokens = _tokens(folded.text, folded.origin)
    chars: list[str] = []
    origin: list[int] = []
    joints: list[int] = []
    for position, token in enumerate(tokens):
        if position:
            chars.append(" ")
            origin.append(token.origin[0])
        joints.extend(len(origin) + joint for joint in token.joints)
        chars.append(token.text)
        origin.extend(token.origin)
    return MappedText("".join(chars), tuple(origin), frozenset(joints))


def _fold_token(token: str) -> str:
    if token.isascii() and token.isalpha():  # a plain word: nothing to fold
        return token
    has_latin = any("a" <= c <= "z" for c in token)
    if has_latin and not _HOMOGLYPH_CHARS.isdisjoint(token):
        token = token.translate(_HOMOGLYPHS)
    if has_latin and not _LEET_CHARS.isdisjoint(token) and not _NUMBER_WITH_UNIT.match(token):
        token = token.translate(_LEET)
    elif not _CYRILLIC_LEET_CHARS.isdisjoint(token) and any("а" <= c <= "я" for c in token):
        token = token.translate(_CYRILLIC_LEET)
    return token


def _spaced(words: list[str]) -> bool:
    """Whether three single letters follow each other (which the word view would join)."""
    run = 0
    for word in words:  # ASCII words: digits are never joined
        if word.isdigit():
            run = 0
            continue
        run = run + 1 if len(word) == 1 else 0
        if run == 3:
            return True
    return False


def _join_spaced_letters(tokens: list[_Token]) -> list[_Token]:
    """Join runs of three or more single letters of any script ("n u d e" -> "nude",
    "г о л а я", "누 드 사 진").

    A wider gap than the run's own spacing ends a word, so "T a y l o r  S w i f t" gives two
    words, not "taylorswift" (only where origins are known: prompts, not lexicon terms).
    """
    joined: list[_Token] = []
    run: list[_Token] = []

    def flush() -> None:
        if len(run) >= 3:
            several = len(run) >= _SEVERAL_WORDS
            starts = tuple(accumulate(len(t.text) for t in run[:-1])) if several else ()
            origin = tuple(i for t in run for i in t.origin)
            joined.append(_Token("".join(t.text for t in run), origin, starts))
        else:
            joined.extend(run)
        run.clear()

    for token in tokens:
        if len(token.text) == 1 and token.text.isalpha():
            if len(run) >= 3 and token.origin and _gap(run[-1], token) > _gap(run[0], run[1]):
                flush()
            run.append(token)
        else:
            flush()
            joined.append(token)
    flush()
    return joined


def _gap(before: _Token, after: _Token) -> int:
    """How far apart two tokens are in the original prompt."""
    return after.origin[0] - before.origin[-1]
