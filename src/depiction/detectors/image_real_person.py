"""A photograph of a person: the image-side `real_person` evidence for edits."""

from __future__ import annotations

from depiction.decision import Signal
from depiction.detectors.base import ImageDetector, LoadContext
from depiction.images import DecodedImage
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

    def detect_image(self, image: DecodedImage) -> list[Signal]:
        found = faces.find_faces(image)
        if not found or not photo.is_photo(image):
            return []
        probability = photo.photo_probability(image)
        return [
            self.image_signal(
                "image.real_person",
                image,
                round(min(found[0].score, probability), 3),
                faces=len(found),
                photo_probability=round(probability, 3),
            )
        ]
