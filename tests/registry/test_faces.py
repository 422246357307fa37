"""Enrolled faces in the registry (SQLite and PostgreSQL): only the embedding and the
photo's digest are stored, every change is audited, and only active entries' faces of the
running model are handed to the matcher."""

import hashlib
from collections.abc import Callable

import numpy as np
import pytest
from sqlalchemy import create_engine, inspect, text

from depiction.errors import PhotoError, RegistryError
from depiction.registry.faces import FaceIndex, FaceTemplate, template_from_photo
from depiction.registry.store import OptoutStore
from depiction.vision import identity

from ..conftest import png_bytes
from ..faces import CAT, COLLINS, HOPPER, group, need_face_models

need_face_models()


@pytest.fixture(scope="module")
def hopper() -> FaceTemplate:
    return template_from_photo(HOPPER.read_bytes())


@pytest.fixture(scope="module")
def collins() -> FaceTemplate:
    return template_from_photo(COLLINS.read_bytes())


def _active(store: OptoutStore) -> list[tuple[int, bytes]]:
    return store.active_faces(identity.MODEL, identity.MODEL_VERSION)


def test_a_template_keeps_the_embedding_and_digest_never_the_photo(hopper: FaceTemplate) -> None:
    photo = HOPPER.read_bytes()
    assert hopper.photo_sha256 == hashlib.sha256(photo).hexdigest()
    assert len(hopper.embedding) == identity.DIMENSIONS * 4
    assert (hopper.model, hopper.model_version) == (identity.MODEL, identity.MODEL_VERSION)


@pytest.mark.parametrize(
    ("photo", "message", "problem"),
    [
        (lambda: CAT.read_bytes(), "no face found in the photo", "no_face"),
        (lambda: group(HOPPER, COLLINS), "the photo shows 2 faces", "several_faces"),
        (lambda: b"%PDF-1.7 not a photo", "the photo is not a readable image", "unreadable"),
        (lambda: b"", "the photo is empty", "unreadable"),
        (lambda: png_bytes(64, 64), "no face found", "no_face"),
    ],
)
def test_enrolment_needs_exactly_one_face(
    photo: Callable[[], bytes], message: str, problem: str
) -> None:
    """The message is for operators; the problem word is what the portal translates."""
    with pytest.raises(PhotoError, match=message) as raised:
        template_from_photo(photo())
    assert raised.value.problem == problem


def test_faces_are_stored_audited_and_removed(
    store: OptoutStore, database_url: str, hopper: FaceTemplate, collins: FaceTemplate
) -> None:
    person = store.add("Grace Hopper", actor="admin", faces=[hopper])
    second = store.enroll_face(person.id, collins, actor="admin")
    faces = store.faces(person.id)
    assert [f.id for f in faces][-1] == second.id and len(faces) == 2
    assert {f.photo_sha256 for f in faces} == {hopper.photo_sha256, collins.photo_sha256}
    assert sorted(_active(store)) == sorted(
        [(person.id, hopper.embedding), (person.id, collins.embedding)]
    )
    removed = store.remove_face(person.id, second.id, actor="reviewer")
    assert removed.id == second.id
    assert _active(store) == [(person.id, hopper.embedding)]
    history = store.history(person.id)
    assert [(e.action, e.actor) for e in history] == [
        ("add", "admin"), ("enroll_face", "admin"), ("enroll_face", "admin"), ("remove_face", "reviewer"),
    ]  # fmt: skip
    assert history[2].after == {
        "face_id": second.id,
        "model": f"{identity.MODEL}/{identity.MODEL_VERSION}",
        "photo_sha256": collins.photo_sha256,
    }
    assert history[3].before == history[2].after and history[3].after is None
    engine = create_engine(database_url)
    columns = {c["name"] for c in inspect(engine).get_columns("face_embeddings")}
    assert columns == {
        "id", "person_id", "model", "model_version", "embedding", "photo_sha256", "created_at",
    }  # fmt: skip
    engine.dispose()


def test_only_active_entries_and_the_running_model_match(
    store: OptoutStore, database_url: str, hopper: FaceTemplate, collins: FaceTemplate
) -> None:
    pending = store.add("Eileen Collins", actor="portal", status="pending", faces=[collins])
    active = store.add("Grace Hopper", actor="admin", faces=[hopper])
    assert _active(store) == [(active.id, hopper.embedding)]
    store.verify(pending.id, actor="admin")
    assert len(_active(store)) == 2
    store.revoke(active.id, actor="admin")
    assert _active(store) == [(pending.id, collins.embedding)]
    with pytest.raises(RegistryError, match="is revoked; cannot enrol"):
        store.enroll_face(active.id, hopper, actor="admin")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE face_embeddings SET model_version = 'old'"))
    engine.dispose()
    assert _active(store) == []


def test_enrolment_errors_are_clear(store: OptoutStore, hopper: FaceTemplate) -> None:
    person = store.add("Grace Hopper", actor="admin", faces=[hopper])
    with pytest.raises(RegistryError, match="already enrolled for entry"):
        store.enroll_face(person.id, hopper, actor="admin")
    with pytest.raises(RegistryError, match="no opt-out entry with id 999"):
        store.enroll_face(999, hopper, actor="admin")
    with pytest.raises(RegistryError, match=f"no face 999 enrolled for entry {person.id}"):
        store.remove_face(person.id, 999, actor="admin")


def test_the_index_returns_the_best_match_above_the_threshold() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(4, identity.DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = FaceIndex([(10 + row, vectors[row].tobytes()) for row in range(4)])
    assert len(index) == 4
    matches = index.match([vectors[2], -vectors[0]])
    assert [(m.face, m.person_id) for m in matches] == [(0, 12)]
    assert matches[0].similarity == pytest.approx(1.0, abs=1e-5)
    assert FaceIndex([]).match([vectors[0]]) == []
