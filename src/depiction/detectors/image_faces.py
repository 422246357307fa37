"""Faces in the input images: how many, and where."""

from __future__ import annotations

from depiction.decision import Signal
from depiction.detectors.base import ImageDetector
from depiction.images import DecodedImage, original_box
from depiction.vision import faces


class ImageFacesDetector(ImageDetector):
    """`image.face` for each image with at least one face (score: the most confident face)."""

    name = "image_faces"
    signals = ("image.face",)

    @classmethod
    def unavailable(cls) -> str | None:
        return faces.unavailable()

    def detect_image(self, image: DecodedImage) -> list[Signal]:
        found = faces.find_faces(image)
        if not found:
            return []
        boxes = [original_box(image, face.box) for face in found]
        return [
            self.image_signal(
                "image.face", image, round(found[0].score, 3), count=len(found), boxes=boxes
            )
        ]
