"""The detector interface: every built-in and third-party detector implements this."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from depiction.decision import Signal
from depiction.errors import DataError
from depiction.images import DecodedImage, decode_images
from depiction.normalize import NormalizedText, Normalizer
from depiction.request import MODES, Mode, Request


@dataclass(frozen=True)
class LoadContext:
    """What detectors may need when they load: the shared normalizer, the registry DB and the
    policy's operator switches (so a policy can tune a detector, e.g. a threshold)."""

    normalizer: Normalizer
    database_url: str | None = None
    params: Mapping[str, bool | int | float | str] = field(default_factory=dict)
    extensions: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    """Detector name → the operator's own data files for it, as `read_extension` parsed them
    (the policy's `extend:`)."""


def threshold_params(
    params: Mapping[str, bool | int | float | str], prefix: str, kinds: tuple[str, ...], what: str
) -> dict[str, float]:
    """Threshold overrides (kind → value) from a policy's ``<prefix><kind>`` params.

    Raises `ValueError` for an unknown kind or a value that is not a number in (0, 1), so a
    misspelt or out-of-range setting is a load error rather than a setting silently ignored.
    """
    found: dict[str, float] = {}
    for name, value in params.items():
        if not name.startswith(prefix):
            continue
        kind = name.removeprefix(prefix)
        if kind not in kinds:
            raise ValueError(f"'{name}': no {what} '{kind}' ({what}s: {', '.join(kinds)})")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
            raise ValueError(
                f"'{name}' must be a number between 0 and 1 (exclusive), not {value!r}"
            )
        found[kind] = float(value)
    return found


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
    on_demand: ClassVar[bool] = False
    """An expensive detector (a neural model): a policy that does not list its detectors
    enables it only if a rule uses its signals, and the engine runs it on a request only when
    its signals could change the decision (`Policy.could_change`)."""

    @classmethod  # noqa: B027 - optional hook
    def check_params(cls, params: Mapping[str, bool | int | float | str]) -> None:
        """Raise `ValueError` if the policy's params tune this detector wrongly.

        Called when the policy loads, even where the detector cannot run, so a misspelt or
        out-of-range setting is a load error rather than a setting silently ignored.
        """

    @classmethod
    def read_extension(cls, path: Path) -> Any:
        """Parse an operator's data file for this detector (the policy's `extend:`), or raise
        `DataError` saying what is wrong with it; detectors without data files refuse any."""
        raise DataError(f"detector '{cls.name}' takes no data files")

    @classmethod
    def unavailable(cls) -> str | None:
        """Why this detector cannot run here (e.g. an optional extra is missing), or None.

        A policy naming an unavailable detector still loads: the detector is skipped and the
        rules that use its signals are reported as inactive, so one missing extra does not
        take a service down.
        """
        return None

    def load(self, context: LoadContext) -> None:  # noqa: B027 - optional hook
        """Read data files and build matchers. Called once before the first `detect`."""

    @abstractmethod
    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        """Return the signals found in `request` (already normalized as `text`)."""


class ImageDetector(Detector):
    """A detector that looks at the input images, one at a time.

    The engine decodes each image once and hands the same decoded images to every image
    detector; `detect` decodes by itself so that a detector can also be used on its own.
    """

    def detect(self, request: Request, text: NormalizedText) -> list[Signal]:
        return self.detect_images(request, text, decode_images(request.images))

    def detect_images(
        self, request: Request, text: NormalizedText, images: Sequence[DecodedImage]
    ) -> list[Signal]:
        """The signals of every image, in order (override to judge images together)."""
        return [signal for image in images for signal in self.detect_image(image)]

    @abstractmethod
    def detect_image(self, image: DecodedImage) -> list[Signal]:
        """Return the signals found in one decoded input image."""

    def image_signal(
        self, kind: str, image: DecodedImage, score: float = 1.0, **data: Any
    ) -> Signal:
        """A signal about `image`: image signals have no span, so `data` says which image."""
        return Signal(
            kind=kind, score=score, source=self.name, data={"image": image.index + 1, **data}
        )
