"""Apparent age of the faces RetinaFace finds: adults of different ages are told apart, and a
face too small to judge is left out."""

from pathlib import Path

from PIL import Image

from depiction.images import decode_image
from depiction.vision import age

from ..conftest import needed
from ..drawings import encoded

IMAGES = Path(__file__).parents[1] / "data" / "images"

if age.unavailable():
    needed("age estimation", "pip install 'depiction[images]'")


def _ages(name: str, side: int | None = None) -> list[int]:
    image = Image.open(IMAGES / name)
    if side:
        image = image.resize((side, round(side * image.height / image.width)))
    return [found.age for found in age.estimate_ages(decode_image(encoded(image, "JPEG")))]


def test_an_astronaut_in_her_late_thirties_looks_like_an_adult() -> None:
    (years,) = _ages("astronaut.jpg")  # Eileen Collins, 38 in this photograph
    assert 25 <= years <= 55


def test_an_admiral_in_her_late_seventies_looks_older_than_the_astronaut() -> None:
    (years,) = _ages("grace_hopper.jpg")  # Grace Hopper, 77 in this photograph
    assert years >= 60
    assert years > _ages("astronaut.jpg")[0] + 15


def test_faces_too_small_to_judge_are_not_aged() -> None:
    assert _ages("astronaut.jpg", side=60) == []
