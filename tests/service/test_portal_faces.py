"""Faces through the service: the portal form takes a photo (uploaded by headless Chromium),
the face matches once an admin verifies the request, and the admin API enrols faces too."""

from collections.abc import Iterator

import httpx
import pytest
from PIL import Image, ImageOps

from ..conftest import chromium
from ..faces import CAT, COLLINS, HOPPER, group, jpeg, need_face_models
from ..registry.test_refresh import eventually
from .conftest import running_service
from .test_admin import bearer, create_key

need_face_models()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("faces")
    keys = {"admin": create_key(folder, "admin"), "check": create_key(folder, "check")}
    with running_service(folder, DEPICTION_REQUIRE_KEYS="true") as base:
        yield base, keys


def _refused(base: str, key: str, photo: bytes) -> bool:
    reply = httpx.post(
        f"{base}/v1/check",
        data={"prompt": "give this person a moustache", "mode": "edit"},
        files={"images": ("photo.jpg", photo, "image/jpeg")},
        headers=bearer(key),
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    return bool(reply.json()["action"] == "refuse")


def test_portal_photo_is_enrolled_pending_then_matches_once_verified(
    service: tuple[str, dict[str, str]],
) -> None:
    base, keys = service
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(f"{base}/optout")
        page.fill("input[name=name]", "Grace Portal Example")
        page.fill("input[name=contact]", "grace@example.org")
        page.set_input_files("input[name=photo]", str(HOPPER))
        page.click("button[type=submit]")
        page.wait_for_selector("#confirmation")
        browser.close()
    admin = bearer(keys["admin"])
    pending = httpx.get(f"{base}/v1/admin/optout", params={"status": "pending"}, headers=admin)
    entry = next(p for p in pending.json() if p["display_name"] == "Grace Portal Example")
    mirrored = jpeg(ImageOps.mirror(Image.open(HOPPER)), quality=50)
    assert not _refused(base, keys["check"], mirrored)  # pending: not yet
    httpx.post(f"{base}/v1/admin/optout/{entry['id']}/verify", headers=admin).raise_for_status()
    assert eventually(lambda: _refused(base, keys["check"], mirrored))
    assert not _refused(base, keys["check"], COLLINS.read_bytes())


@pytest.mark.parametrize(
    ("photo", "problem"),
    [
        (CAT.read_bytes(), "No face found in the photo (a face must be at least 20 pixels"),
        (group(HOPPER, COLLINS), "The photo shows 2 faces"),
        (b"GIF89a broken", "The photo is not a still image we can read"),
    ],
)
def test_portal_says_what_is_wrong_with_a_photo_and_stores_nothing(
    service: tuple[str, dict[str, str]], photo: bytes, problem: str
) -> None:
    base, keys = service
    with httpx.Client(base_url=base) as browser:
        form = browser.get("/optout").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        reply = browser.post(
            "/optout",
            data={"name": "Photo Problem", "contact": "p@example.org", "csrf_token": token},
            files={"photo": ("me.jpg", photo, "image/jpeg")},
        )
    assert reply.status_code == 400
    assert problem in reply.text
    listed = httpx.get(f"{base}/v1/admin/optout", headers=bearer(keys["admin"])).json()
    assert "Photo Problem" not in {p["display_name"] for p in listed}


def test_admin_api_enrols_and_removes_faces(service: tuple[str, dict[str, str]]) -> None:
    base, keys = service
    admin = bearer(keys["admin"])
    with httpx.Client(base_url=base) as browser:
        form = browser.get("/optout").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        browser.post(
            "/optout",
            data={"name": "Eileen Api Example", "contact": "e@example.org", "csrf_token": token},
        ).raise_for_status()
    entries = httpx.get(f"{base}/v1/admin/optout", headers=admin).json()
    person = next(p["id"] for p in entries if p["display_name"] == "Eileen Api Example")
    url = f"{base}/v1/admin/optout/{person}/faces"
    assert httpx.post(url, content=COLLINS.read_bytes()).status_code == 401
    enrolled = httpx.post(url, content=COLLINS.read_bytes(), headers=admin, timeout=30)
    assert enrolled.status_code == 200, enrolled.text
    face = enrolled.json()
    assert face["person_id"] == person and "embedding" not in face
    again = httpx.post(url, content=COLLINS.read_bytes(), headers=admin, timeout=30)
    assert again.status_code == 409
    bad = httpx.post(url, content=CAT.read_bytes(), headers=admin, timeout=30)
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_photo")
    assert httpx.delete(f"{url}/{face['id']}", headers=admin).status_code == 200
    assert httpx.delete(f"{url}/{face['id']}", headers=admin).status_code == 404
