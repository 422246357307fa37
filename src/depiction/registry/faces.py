"""Faces in the opt-out registry: enrolment from a photo, and matching input faces.

Only the embedding and the photo's SHA-256 are kept; the photo itself is read, embedded
and dropped, never stored or logged. Matching is one matrix product of the input faces'
unit embeddings against every active enrolled face: ~0.2 ms at a thousand faces, growing
linearly (~12 ms at 100,000, 51 MB of float32), still small next to embedding one face
(~10 ms); past that an approximate-nearest-neighbour index would be the next step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from depiction.errors import PhotoError, RequestError
from depiction.images import decode_image
from depiction.vision import identity

SIMILARITY_THRESHOLD = 0.915
"""Cosine similarity at which an input face is the enrolled person: chosen on the labelled
set of `benchmarks/bench_optout_faces.py` (README, face opt-out)."""


@dataclass(frozen=True)
class FaceTemplate:
    """What the registry stores for one enrolled face."""

    embedding: bytes
    """float32 unit vector, little-endian."""
    model: str
    model_version: str
    photo_sha256: str


@dataclass(frozen=True)
class FaceMatch:
    """An input face (by position) that matched an enrolled person."""

    face: int
    person_id: int
    similarity: float


def template_from_photo(photo: bytes) -> FaceTemplate:
    """Embed the one face in `photo`; a photo with no face or several is refused, since
    enrolling the wrong face would block someone who never asked."""
    if reason := identity.unavailable():
        raise PhotoError(f"face enrolment {reason}", "unavailable")
    try:
        decoded = decode_image(photo)
    except RequestError as error:
        message = f"the photo {str(error).removeprefix('image 1 ')}"
        raise PhotoError(message, "unreadable") from error
    found = identity.embed_faces(decoded)
    if not found:
        raise PhotoError(
            "no face found in the photo (a face must be at least "
            f"{identity.MIN_FACE_SIZE:.0f} pixels across)",
            "no_face",
        )
    if len(found) > 1:
        raise PhotoError(
            f"the photo shows {len(found)} faces; enrol from a photo of the person alone",
            "several_faces",
            faces=len(found),
        )
    return FaceTemplate(
        embedding=found[0].vector.astype("<f4").tobytes(),
        model=identity.MODEL,
        model_version=identity.MODEL_VERSION,
        photo_sha256=hashlib.sha256(photo).hexdigest(),
    )


class FaceIndex:
    """Every active enrolled face as rows of one matrix, with the person each belongs to."""

    def __init__(self, rows: Iterable[tuple[int, bytes]]) -> None:
        people: list[int] = []
        vectors: list[npt.NDArray[np.float32]] = []
        for person_id, embedding in rows:
            people.append(person_id)
            vectors.append(np.frombuffer(embedding, dtype="<f4"))
        self._people = np.asarray(people, dtype=np.int64)
        self._matrix = np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._people)

    def match(
        self, faces: Sequence[npt.NDArray[np.float32]], threshold: float = SIMILARITY_THRESHOLD
    ) -> list[FaceMatch]:
        """For each input face, the most similar enrolled face if it reaches `threshold`."""
        if not faces or not len(self):
            return []
        similarities = np.vstack(faces) @ self._matrix.T
        best = similarities.argmax(axis=1)
        return [
            FaceMatch(face, int(self._people[row]), float(similarities[face, row]))
            for face, row in enumerate(best)
            if similarities[face, row] >= threshold
        ]
