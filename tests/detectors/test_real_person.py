"""The gazetteer of real people, and edit-mode references to the person in the image."""

import pytest

from depiction import Engine
from depiction.detectors.real_person import read_gazetteer


def test_gazetteer_is_large_and_bilingual() -> None:
    people = read_gazetteer()
    assert len(people) >= 1000
    assert len({p.id for p in people}) == len(people)
    assert sum(any("\u4e00" <= c <= "\u9fff" for n in p.names for c in n) for p in people) >= 500


@pytest.mark.parametrize(
    ("prompt", "person_id"),
    [
        ("Barack Obama eating ice cream", "barack-obama"),
        ("奥巴马在吃冰淇淋", "barack-obama"),
        ("雷軍在發布會上", "lei-jun"),
        ("SCARLETT JOHANSSON on a red carpet", "scarlett-johansson"),
    ],
)
def test_names_in_any_script_are_found(engine: Engine, prompt: str, person_id: str) -> None:
    found = [s.data["person_id"] for s in engine.check(prompt).signals if s.kind == "real_person"]
    assert found == [person_id]


def test_long_dead_people_are_historical(engine: Engine) -> None:
    kinds = {s.kind for s in engine.check("Julius Caesar crossing the Rubicon").signals}
    assert "historical_person" in kinds
    assert "real_person" not in kinds


def test_ambiguous_single_words_are_not_people(engine: Engine) -> None:
    kinds = {
        s.kind
        for s in engine.check(
            "a swift river in jordan, drawn by a drake near the prince gates"
        ).signals
    }
    assert "real_person" not in kinds


@pytest.mark.parametrize(
    "prompt", ["remove her jacket", "make this man smile", "把照片里的人换个发型"]
)
def test_edit_mode_references_point_at_the_image(engine: Engine, prompt: str) -> None:
    assert "image_person" in {s.kind for s in engine.check(prompt, mode="edit").signals}
    assert "image_person" not in {s.kind for s in engine.check(prompt, mode="generate").signals}
