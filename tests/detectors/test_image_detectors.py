"""The image detectors through the engine: one signal per image that shows the thing, with the
image's number and no span; boxes in the input image's own pixels; a detector whose extra is
missing says which extra."""

from pathlib import Path

import pytest
from PIL import Image

from depiction import Engine
from depiction.decision import Signal
from depiction.detectors import BUILTIN_DETECTORS
from depiction.extras import missing_extra
from depiction.images import DecodedImage
from depiction.vision import age

from ..drawings import cartoon_person, encoded

IMAGES = Path(__file__).parents[1] / "data" / "images"
ASTRONAUT = (IMAGES / "astronaut.jpg").read_bytes()
IMAGE_KINDS = {
    "image.face",
    "image.photo_real",
    "image.drawing",
    "image.real_person",
    "image.nudity",
    "image.minor",
}


def _image_signals(engine: Engine, *images: bytes) -> list[Signal]:
    decision = engine.check("make her smile", mode="edit", images=list(images))
    return [s for s in decision.signals if s.kind in IMAGE_KINDS]


def test_a_photographed_adult_is_a_face_a_photo_and_a_real_person(engine: Engine) -> None:
    found = {s.kind: s for s in _image_signals(engine, ASTRONAUT)}
    assert set(found) == {"image.face", "image.photo_real", "image.real_person"}
    assert all(s.span is None and s.data["image"] == 1 for s in found.values())
    assert found["image.face"].data["count"] == 1
    assert found["image.photo_real"].data["photo_probability"] > 0.5


def test_signals_name_the_image_they_are_about(engine: Engine) -> None:
    signals = _image_signals(engine, encoded(cartoon_person()), ASTRONAUT)
    by_image = {(s.kind, s.data["image"]) for s in signals}
    assert ("image.drawing", 1) in by_image
    assert ("image.real_person", 2) in by_image
    assert not any(image == 1 and kind != "image.drawing" for kind, image in by_image)


def test_face_boxes_are_in_the_input_images_own_pixels(engine: Engine) -> None:
    large = Image.open(IMAGES / "astronaut.jpg").resize((3200, 3200))  # decoded at 2048
    (small_face,) = [s for s in _image_signals(engine, ASTRONAUT) if s.kind == "image.face"]
    (large_face,) = [
        s for s in _image_signals(engine, encoded(large, "JPEG")) if s.kind == "image.face"
    ]
    (small_box,) = small_face.data["boxes"]
    (large_box,) = large_face.data["boxes"]
    for small, large_value in zip(small_box, large_box, strict=True):
        assert abs(large_value - small * 10) < 40  # 320 → 3200 px


def test_a_blank_canvas_has_no_face_person_nudity_or_minor(engine: Engine) -> None:
    blank = encoded(Image.new("RGB", (500, 400), (240, 240, 240)))
    (only,) = _image_signals(engine, blank)  # a featureless canvas is a borderline case for
    assert only.kind in {"image.drawing", "image.photo_real"}  # the photo model


def test_apparent_age_is_estimated_only_when_it_could_matter(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    estimated: list[str] = []

    def counting(image: DecodedImage) -> tuple[age.AgedFace, ...]:
        estimated.append(image.sha256)
        return estimate_ages(image)

    estimate_ages = age.estimate_ages
    monkeypatch.setattr(age, "estimate_ages", counting)
    engine.check("make her smile", mode="edit", images=[ASTRONAUT])  # no rule could use it
    assert estimated == []
    # Refused already as a real person's photo; `image.minor` could add sexual_minors.
    decision = engine.check("make her naked", mode="edit", images=[ASTRONAUT])
    assert decision.categories == ["sexual_real_person"]  # an adult: no minor category
    assert len(estimated) == 1


def test_image_detectors_do_not_run_without_images(engine: Engine) -> None:
    assert _image_signals(engine) == []


@pytest.mark.parametrize(
    "name", ["image_faces", "image_real_person", "image_nudity", "image_minor"]
)
def test_model_detectors_are_available_with_the_images_extra(name: str) -> None:
    assert BUILTIN_DETECTORS[name].unavailable() is None


def test_a_missing_extra_is_named_with_its_install_command() -> None:
    reason = missing_extra("images", "no_such_module_here")
    assert reason is not None
    assert "pip install 'depiction[images]'" in reason


def test_the_photo_detector_needs_no_extra() -> None:
    assert BUILTIN_DETECTORS["image_photo"].unavailable() is None
