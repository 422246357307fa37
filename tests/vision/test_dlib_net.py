"""dlib's face-recognition network run by ONNX Runtime gives dlib's own descriptors: stored
embeddings stay comparable, so the model version did not change. dlib itself is the
reference (it stays installed for the landmarks)."""

import os
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

from depiction.images import decode_image
from depiction.vision import identity
from depiction.vision.runtime import onnx_session

from ..faces import CAMERA, COLLINS, HOPPER, group, jpeg, need_face_models

need_face_models()

import dlib  # noqa: E402  (after the skip: part of the 'images' extra)

from depiction.vision import dlib_net  # noqa: E402

NETWORK = os.path.join(identity._models_folder(), "dlib_face_recognition_resnet_model_v1.dat")
TOLERANCE = 1e-4
"""Largest difference allowed in any of the 128 numbers. The two runtimes add up the same
products in different orders, which moves float32 results by ~1e-6; a wrong layer, channel
order or padding moves them by 1e-2 or more."""

PHOTOS = {
    "Collins": lambda: COLLINS.read_bytes(),
    "Hopper": lambda: HOPPER.read_bytes(),
    "camera (grey)": lambda: CAMERA.read_bytes(),
    "Hopper mirrored": lambda: jpeg(ImageOps.mirror(Image.open(HOPPER))),
    "Collins rotated 8°": lambda: jpeg(Image.open(COLLINS).rotate(8, resample=Image.BICUBIC)),
    "Hopper darker": lambda: jpeg(ImageEnhance.Brightness(Image.open(HOPPER)).enhance(0.6)),
    "Collins small (26 px face)": lambda: jpeg(Image.open(COLLINS).resize((140, 140))),
    "both in one photo": lambda: group(HOPPER, COLLINS),
}


@pytest.fixture(scope="module")
def reference() -> Any:
    return dlib.face_recognition_model_v1(NETWORK)


def _descriptors(chips: np.ndarray) -> np.ndarray:
    session = onnx_session(identity.MODEL, identity._network)
    return session.run(["descriptors"], {"chips": chips})[0]


@pytest.mark.parametrize("photo", PHOTOS)
def test_embeddings_equal_dlibs_own_descriptors(photo: str, reference: Any) -> None:
    decoded = decode_image(PHOTOS[photo]())
    found = identity.embed_faces(decoded)
    assert found
    pixels = np.ascontiguousarray(np.asarray(decoded.image, dtype=np.uint8))
    models = identity._models()
    for embedding in found:
        shape = models._landmarks(pixels, models._box(embedding.face))
        expected = np.asarray(reference.compute_face_descriptor(pixels, shape), np.float32)
        expected /= np.linalg.norm(expected)
        assert np.abs(embedding.vector - expected).max() < TOLERANCE
        assert float(embedding.vector @ expected) > 0.99999


def test_raw_descriptors_equal_dlibs_on_any_chip(reference: Any) -> None:
    """Unnormalised, and on chips no face detector would pass: noise, flat grey, black."""
    noise = np.random.default_rng(7).integers(0, 256, (150, 150, 3), dtype=np.uint8)
    chips = np.stack([noise, np.full_like(noise, 128), np.zeros_like(noise)])
    found = _descriptors(chips)
    for chip, descriptor in zip(chips, found, strict=True):
        expected = np.asarray(reference.compute_face_descriptor(chip), np.float32)
        assert np.abs(descriptor - expected).max() < TOLERANCE


def test_several_faces_run_as_one_batch_like_one_at_a_time() -> None:
    rng = np.random.default_rng(3)
    chips = rng.integers(0, 256, (3, 150, 150, 3), dtype=np.uint8)
    together = _descriptors(chips)
    for chip, descriptor in zip(chips, together, strict=True):
        assert np.abs(_descriptors(chip[None])[0] - descriptor).max() < 1e-5


def test_the_file_is_read_to_its_last_byte_and_checked() -> None:
    with open(NETWORK, "rb") as file:
        data = file.read()
    network = dlib_net.read_network(data)
    assert len(network.layers) == len(dlib_net.ARCHITECTURE)
    assert network.means == pytest.approx((122.782, 117.001, 104.298))
    convolutions = [layer for layer in network.layers if layer.kind == "con"]
    assert len(convolutions) == 29
    for broken in (data[:-1], data + b"0", data[:100_000], b""):
        with pytest.raises(ValueError):
            dlib_net.read_network(broken)
    landmarks = os.path.join(identity._models_folder(), "shape_predictor_5_face_landmarks.dat")
    with open(landmarks, "rb") as file, pytest.raises(ValueError):
        dlib_net.read_network(file.read())
