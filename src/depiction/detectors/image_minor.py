"""A face that looks under 18 in the input images: the image-side `minor` evidence."""

from __future__ import annotations

from depiction.decision import Signal
from depiction.detectors.base import ImageDetector
from depiction.images import DecodedImage
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
    on_demand = True  # ~10 ms a face, and only sexual requests can use it

    @classmethod
    def unavailable(cls) -> str | None:
        return age.unavailable()

    def detect_image(self, image: DecodedImage) -> list[Signal]:
        aged = age.estimate_ages(image)
        if not any(face.age < ADULT_AGE for face in aged):
            return []
        return [self.image_signal("image.minor", image, apparent_ages=[face.age for face in aged])]
