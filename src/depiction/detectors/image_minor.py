"""A face that looks under 18 in the input images: the image-side `minor` evidence."""

from __future__ import annotations

from collections.abc import Sequence

from depiction.decision import Signal
from depiction.detectors.base import ImageDetector
from depiction.images import DecodedImage
from depiction.normalize import NormalizedText
from depiction.request import Request
from depiction.vision import age

ADULT_AGE = 18


class ImageMinorDetector(ImageDetector):
    """`image.minor` for each image with a face whose apparent age is under 18.

    Apparent age is an estimate (a few years' error either way, worse on drawings, tilted or
    small faces), so this is one cue among others: text cues ("a 15-year-old", "schoolgirl")
    still count on their own.
    """

    name = "image_minor"
    signals = ("image.minor",)

    @classmethod
    def unavailable(cls) -> str | None:
        return age.unavailable()

    def detect_images(
        self, request: Request, text: NormalizedText, images: Sequence[DecodedImage]
    ) -> list[Signal]:
        signals = []
        for image in images:
            aged = age.estimate_ages(image)
            young = [face for face in aged if face.age < ADULT_AGE]
            if young:
                signals.append(
                    Signal(
                        kind="image.minor",
                        source=self.name,
                        data={
                            "image": image.index + 1,
                            "apparent_ages": [face.age for face in aged],
                        },
                    )
                )
        return signals
