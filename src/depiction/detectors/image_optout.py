"""Faces in the input images that belong to someone in the opt-out registry.

The enrolled faces of active entries are loaded into a `FaceIndex` and reloaded when the
registry changes, exactly like the name matcher (`registry.refresh`). While no face is
enrolled, images are not even embedded, so the detector costs nothing until it is used.
Signals carry the image number, the registry id and the similarity: never a name.
"""

from __future__ import annotations

from depiction.decision import Signal
from depiction.detectors.base import ImageDetector, LoadContext
from depiction.images import DecodedImage
from depiction.registry.faces import FaceIndex
from depiction.registry.refresh import Refreshing
from depiction.registry.store import OptoutStore
from depiction.vision import identity


class ImageOptoutDetector(ImageDetector):
    name = "image_optout"
    signals = ("optout_person",)
    languages = ("any",)

    def __init__(self) -> None:
        self._index: Refreshing[FaceIndex] | None = None

    @classmethod
    def unavailable(cls) -> str | None:
        return identity.unavailable()

    def load(self, context: LoadContext) -> None:
        store = OptoutStore(context.database_url, context.normalizer)
        self._index = Refreshing(
            store.version,
            lambda: FaceIndex(store.active_faces(identity.MODEL, identity.MODEL_VERSION)),
        )

    def detect_image(self, image: DecodedImage) -> list[Signal]:
        assert self._index is not None, "load() was not called"
        index = self._index.get()
        if not len(index):
            return []
        return [
            self.image_signal(
                "optout_person",
                image,
                registry_id=match.person_id,
                similarity=round(match.similarity, 4),
            )
            for match in index.match([face.vector for face in identity.embed_faces(image)])
        ]
