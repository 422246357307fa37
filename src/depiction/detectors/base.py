"""The detector interface: every built-in and third-party detector implements this."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from depiction.decision import Signal
from depiction.normalize import NormalizedText, Normalizer
from depiction.request import MODES, Mode, Request


@dataclass(frozen=True)
class LoadContext:
    """What detectors may need when they load: the shared normalizer and the registry DB."""

    normalizer: Normalizer
    database_url: str | None = None


class Detector(ABC):
    """Finds evidence (signals) in a request; knows nothing about policy or decisions.

    Subclasses declare the signal kinds they can emit, so a policy can be checked against
    them when it loads. Heavy assets are read in `load()`, once, never at import time;
    `detect()` must be thread-safe and free of side effects.
    """

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    signals: ClassVar[tuple[str, ...]]
    languages: ClassVar[tuple[str, ...]] = ("en", "zh")
    modes: ClassVar[tuple[Mode, ...]] = MODES

    def load(self, context: LoadContext) -> None:  # noqa: B027 - optional hook
        """Read data files and build matchers. Called once before the first `detect`."""

    @abstractmethod
    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        """Return the signals found in `request` (already normalized as `text`)."""
