"""Nudity in the input images: exposed breasts, genitals, buttocks or anus."""

from __future__ import annotations

from depiction.decision import Signal
from depiction.detectors.base import ImageDetector
from depiction.images import DecodedImage, original_box
from depiction.vision import nudity

MIN_SCORE = 0.5
"""NudeNet part scores: exposed parts in nude photographs score ~0.6-0.9; below 0.5 the
detections are mostly skin-coloured clothing and shadows."""


class ImageNudityDetector(ImageDetector):
    """`image.nudity` for each image with an exposed intimate part (score: the most confident).

    Covered parts (swimwear, underwear), bare male chests, bellies, armpits and feet are not
    nudity.
    """

    name = "image_nudity"
    signals = ("image.nudity",)

    @classmethod
    def unavailable(cls) -> str | None:
        return nudity.unavailable()

    def detect_image(self, image: DecodedImage) -> list[Signal]:
        nude = [p for p in nudity.find_body_parts(image) if p.nude and p.score >= MIN_SCORE]
        if not nude:
            return []
        return [
            self.image_signal(
                "image.nudity",
                image,
                round(max(part.score for part in nude), 3),
                parts=sorted({part.label.lower() for part in nude}),
                boxes=[original_box(image, part.box) for part in nude],
            )
        ]
