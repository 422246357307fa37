"""NudeNet's detector, run from its ONNX file: the decoding is right (a face it finds is where
RetinaFace finds it, at any image size), clothed portraits have no nudity, and only exposed
intimate parts count as nudity."""

import io
from pathlib import Path

import pytest
from PIL import Image

from depiction.images import decode_image
from depiction.vision import faces, nudity

from ..conftest import needed
from ..drawings import cartoon_person, encoded

IMAGES = Path(__file__).parents[1] / "data" / "images"

if nudity.unavailable():
    needed("nudity detection", "pip install 'depiction[images]'")


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@pytest.mark.parametrize("side", [200, 320, 1000])
def test_the_face_it_finds_is_where_retinaface_finds_it(side: int) -> None:
    photo = Image.open(IMAGES / "astronaut.jpg").resize((side, side))
    decoded = decode_image(encoded(photo, "JPEG", quality=90))
    parts = nudity.find_body_parts(decoded)
    face_parts = [part for part in parts if part.label.startswith("FACE_")]
    assert face_parts, parts
    (face,) = faces.find_faces(decoded)
    assert _overlap(face_parts[0].box, face.box) > 0.5


@pytest.mark.parametrize("name", ["astronaut.jpg", "grace_hopper.jpg"])
def test_clothed_portraits_have_no_nudity(name: str) -> None:
    parts = nudity.find_body_parts(decode_image((IMAGES / name).read_bytes()))
    assert not any(part.nude for part in parts)


def test_a_cartoon_and_a_blank_image_have_no_nudity() -> None:
    for image in (cartoon_person(), Image.new("RGB", (300, 200), (230, 190, 160))):
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        parts = nudity.find_body_parts(decode_image(buffer.getvalue()))
        assert not any(part.nude for part in parts)


@pytest.mark.parametrize(
    ("label", "nude"),
    [
        ("FEMALE_BREAST_EXPOSED", True),
        ("FEMALE_GENITALIA_EXPOSED", True),
        ("MALE_GENITALIA_EXPOSED", True),
        ("BUTTOCKS_EXPOSED", True),
        ("ANUS_EXPOSED", True),
        ("MALE_BREAST_EXPOSED", False),
        ("BELLY_EXPOSED", False),
        ("FEET_EXPOSED", False),
        ("FEMALE_BREAST_COVERED", False),
        ("BUTTOCKS_COVERED", False),
    ],
)
def test_only_exposed_intimate_parts_are_nudity(label: str, nude: bool) -> None:
    assert label in nudity.LABELS
    assert nudity.BodyPart(label, 0.9, (0, 0, 1, 1)).nude is nude
