"""Recent decisions kept in memory, so an appeal can name a decision by its id alone."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Remembered:
    prompt: str
    mode: str
    action: str
    categories: list[str]


class RecentDecisions:
    """The last `capacity` decisions of this process (appeals for older ones include the prompt)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._items: OrderedDict[str, Remembered] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def remember(self, decision_id: str, item: Remembered) -> None:
        with self._lock:
            self._items[decision_id] = item
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def get(self, decision_id: str) -> Remembered | None:
        with self._lock:
            return self._items.get(decision_id)
