"""Face identity embeddings with the real dlib model: copies and edits of a photo stay
close to it, other people and small or absent faces do not come near."""

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

from depiction.images import decode_image
from depiction.registry.faces import SIMILARITY_THRESHOLD
from depiction.vision import identity

from ..faces import CAMERA, CAT, COLLINS, HOPPER, group, jpeg, need_face_models

need_face_models()


def _vector(data: bytes) -> np.ndarray:
    found = identity.embed_faces(decode_image(data))
    assert len(found) == 1
    return found[0].vector


EDITS = {
    "mirror": ImageOps.mirror,
    "crop": lambda image: image.crop((30, 20, 300, 340)),
    "half size": lambda image: image.resize((image.width // 2, image.height // 2)),
    "rotated 8°": lambda image: image.rotate(8, resample=Image.BICUBIC),
    "darker": lambda image: ImageEnhance.Brightness(image).enhance(0.6),
}


@pytest.mark.parametrize("edit", EDITS)
def test_an_edited_copy_of_a_photo_matches_it(edit: str) -> None:
    original = _vector(HOPPER.read_bytes())
    edited = _vector(jpeg(EDITS[edit](Image.open(HOPPER)), quality=40))
    assert float(original @ edited) >= SIMILARITY_THRESHOLD


def test_different_people_stay_below_the_threshold() -> None:
    people = [_vector(photo.read_bytes()) for photo in (HOPPER, COLLINS, CAMERA)]
    for first in range(3):
        for second in range(first + 1, 3):
            assert float(people[first] @ people[second]) < SIMILARITY_THRESHOLD


def test_embeddings_are_unit_vectors_of_the_model_size() -> None:
    vector = _vector(COLLINS.read_bytes())
    assert vector.shape == (identity.DIMENSIONS,) and vector.dtype == np.float32
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_each_face_of_a_group_photo_is_embedded_once_per_image() -> None:
    decoded = decode_image(group(HOPPER, COLLINS))
    found = identity.embed_faces(decoded)
    assert len(found) == 2
    assert identity.embed_faces(decoded) is found


def test_no_face_and_too_small_faces_give_nothing() -> None:
    assert identity.embed_faces(decode_image(CAT.read_bytes())) == ()
    tiny = Image.open(COLLINS).resize((80, 80))
    assert identity.embed_faces(decode_image(jpeg(tiny))) == ()
