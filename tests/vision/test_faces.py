"""Face detection on real images: a photographed face is found where it is, in any size or
orientation the decoder hands over; drawings of shapes and blank images have no face."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageOps

from depiction.images import decode_image
from depiction.vision import faces

from ..conftest import needed

ASTRONAUT = Path(__file__).parents[1] / "data" / "images" / "astronaut.jpg"

if faces.unavailable():
    needed("face detection", "pip install 'depiction[images]'")


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def test_a_photographed_face_is_found_with_its_landmarks() -> None:
    found = faces.find_faces(decode_image(ASTRONAUT.read_bytes()))
    assert len(found) == 1
    face = found[0]
    assert face.score > 0.99
    x, y = _centre(face.box)
    assert 100 < x < 180 and 50 < y < 120  # the astronaut's face, upper middle of the photo
    right_eye, left_eye, nose, *_ = face.landmarks
    assert right_eye[0] < nose[0] < left_eye[0]


@pytest.mark.parametrize("size", [160, 1500])
def test_boxes_are_in_the_decoded_image_coordinates_at_any_size(size: int) -> None:
    photo = Image.open(ASTRONAUT).resize((size, size))
    found = faces.find_faces(decode_image(_jpeg(photo)))
    assert len(found) == 1
    x, y = _centre(found[0].box)
    scale = size / 320
    assert 100 * scale < x < 180 * scale and 50 * scale < y < 120 * scale


def test_a_mirrored_face_is_still_a_face() -> None:
    mirrored = ImageOps.mirror(Image.open(ASTRONAUT))
    assert len(faces.find_faces(decode_image(_jpeg(mirrored)))) == 1


def test_drawings_of_shapes_and_blank_images_have_no_face() -> None:
    drawing = Image.new("RGB", (400, 300), "white")
    pen = ImageDraw.Draw(drawing)
    pen.ellipse((50, 50, 200, 200), outline="black", width=4)
    pen.rectangle((220, 80, 380, 260), fill="orange")
    for image in (drawing, Image.new("RGB", (256, 256), "grey")):
        assert faces.find_faces(decode_image(_jpeg(image))) == ()


def test_detection_runs_once_per_decoded_image() -> None:
    decoded = decode_image(ASTRONAUT.read_bytes())
    assert faces.find_faces(decoded) is faces.find_faces(decoded)
