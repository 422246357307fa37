"""Faces in the input images: how many, and where."""

from __future__ import annotations

from collections.abc import Sequence

from depiction.decision import Signal
from depiction.detectors.base import ImageDetector
from depiction.images import DecodedImage, original_box
from depiction.normalize import NormalizedText
from depiction.request import Request
from depiction.vision import faces


class ImageFacesDetector(ImageDetector):
    """`image.face` for each image with at least one face (score: the most confident face)."""

    name = "image_faces"
    signals = ("image.face",)

    @classmethod
    def unavailable(cls) -> str | None:
        return faces.unavailable()

    def detect_images(
        self, request: Request, text: NormalizedText, images: Sequence[DecodedImage]
    ) -> list[Signal]:
        signals = []
        for image in images:
            found = faces.find_faces(image)
            if found:
                signals.append(
                    Signal(
                        kind="image.face",
                        score=round(found[0].score, 3),
                        source=self.name,
                        data={
                            "image": image.index + 1,
                            "count": len(found),
                            "boxes": [original_box(image, face.box) for face in found],
                        },
                    )
                )
        return signals
