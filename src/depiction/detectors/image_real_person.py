"""A photograph of a person: the image-side `real_person` evidence for edits."""

from __future__ import annotations

from collections.abc import Sequence

from depiction.decision import Signal
from depiction.detectors.base import ImageDetector, LoadContext
from depiction.images import DecodedImage
from depiction.normalize import NormalizedText
from depiction.request import Request
from depiction.vision import faces, photo


class ImageRealPersonDetector(ImageDetector):
    """`image.real_person` for each image that is a photograph *and* shows a face.

    The conjunction is made per image here, not in the policy, because a policy only sees
    signal kinds: a drawing with a face next to a landscape photograph would otherwise look
    like a photograph of a person.
    """

    name = "image_real_person"
    signals = ("image.real_person",)

    @classmethod
    def unavailable(cls) -> str | None:
        return faces.unavailable()

    def load(self, context: LoadContext) -> None:
        photo.model()

    def detect_images(
        self, request: Request, text: NormalizedText, images: Sequence[DecodedImage]
    ) -> list[Signal]:
        signals = []
        for image in images:
            found = faces.find_faces(image)
            if found and photo.is_photo(image):
                signals.append(
                    Signal(
                        kind="image.real_person",
                        score=round(min(found[0].score, photo.photo_probability(image)), 3),
                        source=self.name,
                        data={
                            "image": image.index + 1,
                            "faces": len(found),
                            "photo_probability": round(photo.photo_probability(image), 3),
                        },
                    )
                )
        return signals
