"""People in the opt-out registry: anyone may ask not to be depicted, under any name.

The matcher is loaded from its cache file or built from the registry, and brought up to
date when the registry changes (see `registry.index_cache` and `registry.refresh`). Signals
carry only the registry id: names and notes never reach decisions or logs.
"""

from __future__ import annotations

from depiction.decision import Signal
from depiction.detectors.base import Detector, LoadContext
from depiction.normalize import NormalizedText
from depiction.registry.config import matcher_cache_path
from depiction.registry.index_cache import LiveIndex, open_index, refreshed
from depiction.registry.refresh import Refreshing
from depiction.registry.store import OptoutStore
from depiction.request import Request


class OptoutDetector(Detector):
    name = "optout"
    signals = ("optout_person",)
    languages = ("any",)

    def __init__(self) -> None:
        self._index: Refreshing[LiveIndex] | None = None

    def load(self, context: LoadContext) -> None:
        store = OptoutStore(context.database_url, context.normalizer)
        cache = matcher_cache_path(store.url)
        self._index = Refreshing(
            store.version,
            lambda: open_index(store, cache),
            lambda live: refreshed(live, store, cache),
        )

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        assert self._index is not None, "load() was not called"
        return [
            Signal(
                kind="optout_person",
                span=text.quote(text.words, match.start, match.end),
                score=0.9 if match.fuzzy else 1.0,
                source=self.name,
                data={"registry_id": match.person_id},
            )
            for match in self._index.get().index.find(text.words)
        ]
