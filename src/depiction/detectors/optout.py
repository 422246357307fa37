"""People in the opt-out registry: anyone may ask not to be depicted, under any name.

The matcher is built once from the registry and rebuilt when the registry's version (its
last audit id) changes; the version is read at most once per `REFRESH_SECONDS`, so checks
stay fast and a new opt-out takes effect within a second, without a restart. Signals carry
only the registry id: names and notes never reach decisions or logs.
"""

from __future__ import annotations

import threading
import time

from depiction.decision import Signal
from depiction.detectors.base import Detector, LoadContext
from depiction.normalize import NormalizedText
from depiction.registry.matcher import NameIndex
from depiction.registry.store import OptoutStore
from depiction.request import Request

REFRESH_SECONDS = 1.0


class OptoutDetector(Detector):
    name = "optout"
    signals = ("optout_person",)
    languages = ("any",)

    def __init__(self) -> None:
        self._store: OptoutStore | None = None
        self._index = NameIndex(())
        self._version = -1
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def load(self, context: LoadContext) -> None:
        self._store = OptoutStore(context.database_url, context.normalizer)
        self._refresh(force=True)

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        self._refresh()
        return [
            Signal(
                kind="optout_person",
                span=text.quote(text.words, match.start, match.end),
                score=0.9 if match.fuzzy else 1.0,
                source=self.name,
                data={"registry_id": match.person_id},
            )
            for match in self._index.find(text.words)
        ]

    def _refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked_at < REFRESH_SECONDS:
            return
        assert self._store is not None, "load() was not called"
        with self._lock:
            if not force and now - self._checked_at < REFRESH_SECONDS:
                return
            version = self._store.version()
            if version != self._version:
                self._index = NameIndex(self._store.active_forms())
                self._version = version
            self._checked_at = now
