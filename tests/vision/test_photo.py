"""Photograph or drawing: real photographs are photographs, drawings made here are not, and the
shipped model matches the feature code and says how well it did on held-out images."""

import json
from importlib import resources
from pathlib import Path

import pytest
from PIL import Image

from depiction.images import decode_image
from depiction.vision import photo

from ..drawings import cartoon_person, encoded

IMAGES = Path(__file__).parents[1] / "data" / "images"


@pytest.mark.parametrize("name", ["astronaut.jpg", "grace_hopper.jpg"])
def test_portrait_photographs_are_photographs_at_any_size(name: str) -> None:
    original = Image.open(IMAGES / name)
    for side in (160, 512, 1024):
        resized = original.resize((side, round(side * original.height / original.width)))
        decoded = decode_image(encoded(resized, "JPEG", quality=80))
        assert photo.is_photo(decoded), (name, side, photo.photo_probability(decoded))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_cartoon_is_a_drawing_as_png_or_jpeg(fmt: str) -> None:
    decoded = decode_image(encoded(cartoon_person(), fmt))
    assert not photo.is_photo(decoded)
    assert photo.photo_probability(decoded) < 0.01


def test_features_are_finite_for_tiny_flat_and_odd_shaped_images() -> None:
    for image in (
        Image.new("RGB", (1, 1)),
        Image.new("RGB", (7, 300), "white"),
        Image.new("RGB", (2048, 3), (10, 200, 30)),
    ):
        values = photo.features(image)
        assert values.shape == (len(photo.FEATURES),)
        assert all(abs(v) < 1e6 + 1 for v in values)


def test_the_shipped_model_names_its_features_and_its_held_out_accuracy() -> None:
    path = resources.files("depiction") / "data" / "models" / "photo_real.json"
    shipped = json.loads(path.read_text(encoding="utf-8"))
    assert tuple(shipped["features"]) == photo.FEATURES
    held_out = shipped["evaluation"]["held_out_by_picture"]
    assert held_out["photo_recall"] >= 0.97  # the threshold is chosen for this
    assert photo.model().threshold == shipped["threshold"]


def test_probability_is_computed_once_per_decoded_image() -> None:
    decoded = decode_image((IMAGES / "astronaut.jpg").read_bytes())
    first = photo.photo_probability(decoded)
    assert decoded.derived("photo_probability", lambda _: -1.0) == first
