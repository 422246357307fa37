"""Artist, studio and movement styles named in a prompt.

A studio, movement or franchise (Studio Ghibli, impressionism) gives `studio_style`. An
individual's name counts as a *style* reference only with style context — a connector of any
language in data/languages ("in the style of X", "dans le style de X", "X風", "X的风格") or standing alone as an item of
a comma-separated tag list ("…, greg rutkowski, trending on artstation") — so "a portrait of
Hayao Miyazaki drinking coffee" depicts the man and is not a style request. A name that is the whole prompt
counts too. A living artist who has not opted in gives `living_artist_style`; a deceased or opted-in one `artist_style`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from depiction.decision import Signal
from depiction.detectors.base import Detector, LoadContext
from depiction.langdata import merged
from depiction.lists import LIST_GAP
from depiction.matching import TermMatcher
from depiction.normalize import NormalizedText, Normalizer
from depiction.registry.artists import ArtistRecord, ArtistStore
from depiction.registry.refresh import Refreshing
from depiction.request import Request

_SEPARATORS = re.compile(r"[,，;；、|\n]")


@dataclass(frozen=True, slots=True)
class _Entry:
    artist: ArtistRecord


class ArtistsDetector(Detector):
    name = "artists"
    signals = ("living_artist_style", "artist_style", "studio_style")
    languages = ("any",)

    def __init__(self) -> None:
        self._matcher: Refreshing[TermMatcher[_Entry]] | None = None

    def load(self, context: LoadContext) -> None:
        store = ArtistStore(context.database_url)
        self._matcher = Refreshing(store.version, lambda: _build(context.normalizer, store))

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        assert self._matcher is not None, "load() was not called"
        found = []
        for mention in _style_references(text, self._matcher.get()):
            artist = mention.artist
            if artist.kind != "individual":
                kind = "studio_style"
            elif artist.living and not artist.opted_in:
                kind = "living_artist_style"
            else:
                kind = "artist_style"
            found.append(
                Signal(
                    kind=kind,
                    span=(mention.start, mention.end, mention.quoted),
                    source=self.name,
                    data={"artist_id": artist.slug, "artist": artist.name, "kind": artist.kind},
                )
            )
        return found


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    quoted: str
    artist: ArtistRecord
    styled: bool


def _style_references(text: NormalizedText, matcher: TermMatcher[_Entry]) -> list[_Mention]:
    """Names used as styles: studios always; individuals with style context, where a list
    ("by X and Y", "X和Y的风格") passes the context on to every item."""
    mentions = []
    for match in matcher.find(text.names):
        start, end, quoted = text.quote_name(match.start, match.end)
        artist = match.payload.artist
        styled = artist.kind != "individual" or is_style_reference(text.original, start, end)
        mentions.append(_Mention(start, end, quoted, artist, styled))
    changed = True
    while changed:
        changed = False
        for left, right in pairwise(mentions):
            if left.styled != right.styled and LIST_GAP.match(
                text.original[left.end : right.start]
            ):
                left.styled = right.styled = changed = True
    return [mention for mention in mentions if mention.styled]


@cache
def _connectors() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Style connectors of every language (data/languages): (before a name, after a name).

    A connector that starts (or ends) with a letter of a spaced script must meet the name at
    a word boundary ("by X", not "lobby X"); CJK connectors attach directly ("X风格").
    """
    before = "|".join(
        (r"(?<!\w)" if _spaced(c[0]) else "") + re.escape(c) for c in merged("style_before")
    )
    after = "|".join(
        re.escape(c) + (r"(?!\w)" if _spaced(c[-1]) else "") for c in merged("style_after")
    )
    return (
        re.compile(rf"(?:{before})\s*$", re.IGNORECASE),
        re.compile(rf"^(?:['’]s?)?\s*(?:{after})", re.IGNORECASE),
    )


def _spaced(char: str) -> bool:
    """A letter of a script that separates words with spaces (so boundaries matter)."""
    return char.isalnum() and ord(char) < 0x2E80


def is_style_reference(prompt: str, start: int, end: int) -> bool:
    """A connector right before or after the name, or the name alone as a tag-list item."""
    before, after = _connectors()
    if before.search(prompt[:start]) or after.search(prompt[end:]):
        return True
    left = max((m.end() for m in _SEPARATORS.finditer(prompt, 0, start)), default=0)
    right = next((m.start() for m in _SEPARATORS.finditer(prompt, end)), len(prompt))
    item = prompt[left:right].strip()
    return item.removesuffix("'s").lower() == prompt[start:end].lower()


def _build(normalizer: Normalizer, store: ArtistStore) -> TermMatcher[_Entry]:
    terms = [
        (name, _Entry(artist))
        for artist in store.entries()
        for name in (artist.name, *artist.aliases)
    ]
    return TermMatcher(normalizer, terms, names=True)
