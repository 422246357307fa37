"""The face opt-out through the whole engine: an enrolled person's photo, edited or not, is
refused; other people, non-faces and revoked entries are not; signals carry no name."""

from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageOps

from depiction import Engine
from depiction.detectors.image_optout import ImageOptoutDetector
from depiction.registry import refresh
from depiction.registry.faces import template_from_photo
from depiction.registry.store import OptoutStore

from ..conftest import created
from ..faces import CAMERA, CAT, COLLINS, HOPPER, group, jpeg, need_face_models
from ..registry.test_refresh import eventually

need_face_models()
PROMPT = "put a party hat on this person"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = created(f"sqlite:///{tmp_path_factory.mktemp('faces') / 'registry.db'}")
    OptoutStore(url).add(
        "Grace Hopper", note="private note", actor="admin",
        faces=[template_from_photo(HOPPER.read_bytes())],
    )  # fmt: skip
    return url


@pytest.fixture(scope="module")
def engine(registry: str) -> Engine:
    return Engine.default(database_url=registry)


def test_the_enrolled_photo_is_refused_with_image_id_and_similarity(engine: Engine) -> None:
    decision = engine.check(PROMPT, mode="edit", images=[CAT.read_bytes(), HOPPER.read_bytes()])
    assert decision.action == "refuse"
    assert decision.categories == ["optout_person"]
    assert decision.rules[0].explanation.startswith("A person in this request ('image 2')")
    signal = next(s for s in decision.signals if s.source == "image_optout")
    assert signal.kind == "optout_person" and signal.span is None
    assert set(signal.data) == {"image", "registry_id", "similarity"}
    assert signal.data["image"] == 2 and signal.data["registry_id"] == 1
    assert signal.data["similarity"] > 0.99
    dumped = decision.model_dump_json()
    assert "Hopper" not in dumped and "private note" not in dumped


COPIES = {
    "mirrored": lambda image: ImageOps.mirror(image),
    "cropped and shrunk": lambda image: image.crop((40, 30, 290, 330)).resize((150, 180)),
    "tilted and brighter": lambda image: ImageEnhance.Brightness(
        image.rotate(-7, resample=Image.BICUBIC)
    ).enhance(1.3),
    "grey, re-encoded badly": lambda image: ImageOps.grayscale(image),
}


@pytest.mark.parametrize("copy", COPIES)
def test_edited_copies_of_the_enrolled_photo_are_refused(engine: Engine, copy: str) -> None:
    photo = jpeg(COPIES[copy](Image.open(HOPPER).convert("RGB")), quality=35)
    assert engine.check(PROMPT, mode="edit", images=[photo]).action == "refuse"


def test_the_enrolled_face_in_a_group_photo_is_refused(engine: Engine) -> None:
    decision = engine.check(PROMPT, mode="edit", images=[group(COLLINS, HOPPER, CAMERA)])
    assert decision.action == "refuse"
    assert [s.data["registry_id"] for s in decision.signals if s.source == "image_optout"] == [1]


@pytest.mark.parametrize("photo", [COLLINS, CAMERA, CAT], ids=["collins", "camera", "cat"])
def test_other_people_and_non_faces_are_allowed(engine: Engine, photo: Path) -> None:
    decision = engine.check(PROMPT, mode="edit", images=[photo])
    assert decision.action == "allow", decision.rules
    assert not any(s.kind == "optout_person" for s in decision.signals)


def test_enrolment_and_revocation_apply_without_a_restart(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh, "REFRESH_SECONDS", 0.0)
    url = created(f"sqlite:///{tmp_path_factory.mktemp('refresh') / 'registry.db'}")
    store = OptoutStore(url)
    person = store.add("Eileen Collins", actor="admin")
    engine = Engine.default(database_url=url)
    photo = jpeg(ImageOps.mirror(Image.open(COLLINS)))

    def action() -> str:
        return engine.check(PROMPT, mode="edit", images=[photo]).action

    assert action() == "allow"
    store.enroll_face(person.id, template_from_photo(COLLINS.read_bytes()), actor="admin")
    assert eventually(lambda: action() == "refuse")
    store.revoke(person.id, actor="admin")
    assert eventually(lambda: action() == "allow")


def test_unavailable_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import depiction.extras

    real = depiction.extras.find_spec
    monkeypatch.setattr(
        depiction.extras, "find_spec", lambda name: None if name == "dlib" else real(name)
    )
    reason = ImageOptoutDetector.unavailable()
    assert reason == "needs the 'images' extra: pip install 'depiction[images]'"
