"""The opt-out portal in the visitor's language: its words per language, shipped as data
(`data/portal/messages.yaml`) and checked once at start-up, and the choice of language for a
request: `?lang=` first, then the browser's `Accept-Language`, then English.

A page the visitor cannot read fails the very people the portal is for; a translation missing
from the file is therefore one line for the operator when the service starts, never a
`KeyError` for a visitor.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from depiction.errors import DataError

MessageKey = Literal[
    "language_name",
    "languages",
    "title",
    "intro",
    "label_name",
    "label_aliases",
    "label_contact",
    "label_statement",
    "label_photo",
    "submit",
    "received_title",
    "received_body",
    "expired_title",
    "expired_body",
    "reload",
    "too_many_title",
    "try_later",
    "check_title",
    "back",
    "name_required",
    "contact_required",
    "name_too_long",
    "aliases_too_long",
    "contact_too_long",
    "statement_too_long",
    "photo_too_large",
    "photo_unreadable",
    "photo_no_face",
    "photo_several_faces",
    "photo_unavailable",
    "not_saved_title",
    "not_saved_body",
]
KEYS: tuple[MessageKey, ...] = get_args(MessageKey)
PLACEHOLDERS: Mapping[MessageKey, frozenset[str]] = {
    "name_too_long": frozenset({"limit"}),
    "aliases_too_long": frozenset({"limit"}),
    "contact_too_long": frozenset({"limit"}),
    "statement_too_long": frozenset({"limit"}),
    "photo_too_large": frozenset({"megabytes"}),
    "photo_unreadable": frozenset({"megapixels"}),
    "photo_no_face": frozenset({"pixels"}),
    "photo_several_faces": frozenset({"faces"}),
}
"""The values the portal fills into a message (none where a key is absent): every language
must use exactly these, so formatting cannot fail at request time."""
FALLBACK = "en"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_QUALITY = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")
"""An RFC 9110 qvalue: 0 to 1 with at most three decimals."""


@dataclass(frozen=True)
class PortalText:
    """The portal's words in one language."""

    lang: str
    messages: Mapping[MessageKey, str]

    def __call__(self, key: MessageKey, **values: int) -> str:
        """The message with its placeholders filled, escaped for HTML."""
        return html.escape(self.messages[key].format(**values))

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left, told by the script of its own name,
        so that a language added to the file needs no code for its direction."""
        return unicodedata.bidirectional(self.messages["language_name"][0]) in ("R", "AL")


@dataclass(frozen=True)
class PortalLanguages:
    """Every language the portal speaks, in the file's order (the switcher's order)."""

    texts: Mapping[str, PortalText]

    def choose(self, query: str | None, accept_language: str | None) -> PortalText:
        """The text for a request: the `lang` query parameter wins (so a link or the form's
        own action keeps the language), then the browser's preferences, then English."""
        for lang in [primary_language(query or ""), *preferred_languages(accept_language or "")]:
            if lang in self.texts:
                return self.texts[lang]
        return self.texts[FALLBACK]


def primary_language(tag: str) -> str:
    """The primary subtag of a language tag (`zh-Hant-TW`, `pt_BR`, `EN` → `zh`, `pt`, `en`):
    the portal has one text per language, not per region or script."""
    return tag.strip().replace("_", "-").split("-")[0].lower()


def preferred_languages(header: str) -> list[str]:
    """The languages of an `Accept-Language` header, most wanted first (RFC 9110 §12.5.4):
    a malformed qvalue or `q=0` drops its tag, `*` names no language, and ties keep the
    header's order."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, *parameters = (part.strip() for part in item.split(";"))
        quality = "1"
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                quality = value.strip()
        if tag and tag != "*" and _QUALITY.match(quality) and float(quality) > 0:
            ranked.append((-float(quality), position, primary_language(tag)))
    return [lang for _, _, lang in sorted(ranked)]


@cache
def portal_languages() -> PortalLanguages:
    """The shipped texts, read and checked once: the service calls this when it starts."""
    return load_portal_languages(resources.files("depiction") / "data" / "portal" / "messages.yaml")


def load_portal_languages(source: Traversable | Path) -> PortalLanguages:
    """Read a messages file (key → language → text); raises `DataError` naming every key a
    language lacks, every unknown key and every wrong placeholder."""
    try:
        table = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DataError(f"{source}: cannot read the portal messages: {error}") from error
    if not isinstance(table, dict):
        raise DataError(f"{source}: the portal messages must map keys to languages to texts")
    if problems := _problems(table):
        raise DataError(f"{source}: " + "; ".join(problems))
    languages = list(table["language_name"])
    return PortalLanguages(
        {lang: PortalText(lang, {key: table[key][lang] for key in KEYS}) for lang in languages}
    )


def _problems(table: dict[Any, Any]) -> list[str]:
    """Everything wrong with a parsed messages table; empty when every language is complete."""
    problems = [f"key '{key}' is missing" for key in KEYS if key not in table]
    problems += [f"key '{key}' is not used by the portal" for key in table if key not in KEYS]
    usable = {
        key: by_lang
        for key, by_lang in table.items()
        if key in KEYS
        and isinstance(by_lang, dict)
        and all(isinstance(text, str) and text for text in by_lang.values())
    }
    problems += [
        f"key '{key}' must map languages to non-empty texts"
        for key in table
        if key in KEYS and key not in usable
    ]
    languages = sorted({lang for by_lang in usable.values() for lang in by_lang}, key=str)
    if FALLBACK not in languages:
        problems.append(f"there is no '{FALLBACK}' text, the fallback")
    problems += [
        f"'{lang}' is not an ISO 639 code"
        for lang in languages
        if not _LANGUAGE_CODE.match(str(lang))
    ]
    for key, by_lang in usable.items():
        if missing := [str(lang) for lang in languages if lang not in by_lang]:
            problems.append(f"key '{key}' has no text in {', '.join(missing)}")
        expected = PLACEHOLDERS.get(key, frozenset())
        for lang, text in by_lang.items():
            try:
                fields = [name for _, name, _, _ in string.Formatter().parse(text)]
            except ValueError as error:
                problems.append(f"{key}.{lang}: {error}")
                continue
            names = {name for name in fields if name is not None}
            if names != expected:
                wanted = ", ".join(f"{{{name}}}" for name in sorted(expected)) or "no placeholder"
                problems.append(f"{key}.{lang}: uses {sorted(names)}, must use {wanted}")
    return problems
