"""Is each input image a photograph, or a drawing, rendering or cartoon?"""

from __future__ import annotations

from depiction.decision import Signal
from depiction.detectors.base import ImageDetector, LoadContext
from depiction.images import DecodedImage
from depiction.vision import photo


class ImagePhotoDetector(ImageDetector):
    """Exactly one of `image.photo_real` (score: the probability of a photograph) or
    `image.drawing` (score: one minus it) per image, so a policy can tell "every input is a
    drawing" (`image.drawing && !image.photo_real`) from "some input may be a photograph".
    The threshold favours photographs: see `vision.photo`."""

    name = "image_photo"
    signals = ("image.photo_real", "image.drawing")

    def load(self, context: LoadContext) -> None:
        photo.model()

    def detect_image(self, image: DecodedImage) -> list[Signal]:
        probability = photo.photo_probability(image)
        is_photo = photo.is_photo(image)
        return [
            self.image_signal(
                "image.photo_real" if is_photo else "image.drawing",
                image,
                round(probability if is_photo else 1 - probability, 3),
                photo_probability=round(probability, 3),
            )
        ]
