"""API keys, the admin API, appeals and the opt-out portal (driven in headless Chromium)."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import chromium, created, depiction
from ..registry.test_refresh import eventually
from .conftest import running_service


def create_key(folder: Path, *scopes: str) -> str:
    args = [arg for scope in scopes for arg in ("--scope", scope)]
    result = subprocess.run(
        [sys.executable, "-m", "depiction", "keys", "create", "test", *args],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "DEPICTION_DATABASE_URL": created(f"sqlite:///{folder / 'registry.db'}")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[1]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("admin")
    keys = {
        "admin": create_key(folder, "admin"),
        "check": create_key(folder, "check"),
        "gateway": create_key(folder, "gateway"),
    }
    with running_service(
        folder, DEPICTION_REQUIRE_KEYS="true", DEPICTION_PORTAL_PER_HOUR="3"
    ) as base:
        yield base, folder, keys


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def test_keys_are_required_and_scoped(service: tuple[str, Path, dict[str, str]]) -> None:
    base, _, keys = service
    assert (
        httpx.post(f"{base}/v1/check", json={"prompt": "a cat"}).json()["error"]["code"]
        == "unauthorized"
    )
    wrong = httpx.post(
        f"{base}/v1/check", json={"prompt": "a cat"}, headers=bearer(keys["gateway"])
    )
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "forbidden")
    assert (
        httpx.post(
            f"{base}/v1/check", json={"prompt": "a cat"}, headers={"x-api-key": keys["check"]}
        ).status_code
        == 200
    )
    assert httpx.get(f"{base}/v1/admin/optout", headers=bearer(keys["check"])).status_code == 403
    assert httpx.get(f"{base}/v1/admin/optout", headers=bearer("dpk_unknown")).status_code == 401


def test_keys_are_stored_hashed_and_revocable(service: tuple[str, Path, dict[str, str]]) -> None:
    _, folder, keys = service
    database = b"".join(f.read_bytes() for f in folder.glob("registry.db*"))
    assert all(key.encode() not in database for key in keys.values())


def test_appeal_review_and_export_as_eval_cases(
    service: tuple[str, Path, dict[str, str]], tmp_path: Path
) -> None:
    base, _, keys = service
    refused = httpx.post(f"{base}/v1/check", json={"prompt": "kill the lights and shoot a photo of the bloody mary"},
                         headers=bearer(keys["check"])).json()  # fmt: skip
    decision_id = refused["decision_id"]
    filed = httpx.post(f"{base}/v1/appeals", json={"decision_id": decision_id, "reason": "it is a cocktail"},
                       headers=bearer(keys["check"]))  # fmt: skip
    assert filed.status_code == 201
    unknown = httpx.post(
        f"{base}/v1/appeals",
        json={"decision_id": "nope", "reason": "x"},
        headers=bearer(keys["check"]),
    )
    assert unknown.json()["error"]["code"] == "unknown_decision"
    admin = bearer(keys["admin"])
    queue = httpx.get(f"{base}/v1/admin/appeals", params={"status": "open"}, headers=admin).json()
    assert [a["decision_id"] for a in queue] == [decision_id]
    appeal_id = queue[0]["id"]
    resolved = httpx.post(
        f"{base}/v1/admin/appeals/{appeal_id}/resolve",
        json={"outcome": "overturned"},
        headers=admin,
    )
    assert resolved.json()["outcome"] == "overturned"
    again = httpx.post(
        f"{base}/v1/admin/appeals/{appeal_id}/resolve", json={"outcome": "upheld"}, headers=admin
    )
    assert again.status_code == 409
    exported = httpx.get(f"{base}/v1/admin/appeals/export", headers=admin).text
    cases = tmp_path / "appeals.jsonl"
    cases.write_text(exported)
    replay = depiction("eval", str(cases))
    assert replay.returncode == 0, replay.stderr
    assert '"expected": "allow"' in exported


def test_portal_in_headless_chromium(service: tuple[str, Path, dict[str, str]]) -> None:
    base, _, keys = service
    browser_path = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=browser_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        page = browser.new_page()
        page.goto(f"{base}/optout")
        page.fill("input[name=name]", "Jane Portal Example")
        page.fill("textarea[name=aliases]", "J. P. Example, 简·波特")
        page.fill("input[name=contact]", "jane@example.org")
        page.fill("textarea[name=statement]", "Please do not generate images of me.")
        page.click("button[type=submit]")
        page.wait_for_selector("#confirmation")
        page.screenshot(
            path=str(Path(__file__).resolve().parents[2] / "artifacts" / "optout-portal.png")
        )
        browser.close()
    pending = httpx.get(
        f"{base}/v1/admin/optout", params={"status": "pending"}, headers=bearer(keys["admin"])
    ).json()
    entry = next(p for p in pending if p["display_name"] == "Jane Portal Example")
    assert entry["aliases"] == ["J. P. Example", "简·波特"]
    verified = httpx.post(
        f"{base}/v1/admin/optout/{entry['id']}/verify", headers=bearer(keys["admin"])
    ).json()
    assert verified["status"] == "active"
    check = {
        "json": {"prompt": "Jane Portal Example at the beach"},
        "headers": bearer(keys["check"]),
    }
    assert eventually(lambda: httpx.post(f"{base}/v1/check", **check).json()["action"] == "refuse")


def test_portal_needs_its_csrf_token_and_is_rate_limited(
    service: tuple[str, Path, dict[str, str]],
) -> None:
    base, _, _ = service
    forged = httpx.post(
        f"{base}/optout", data={"name": "X Y", "contact": "x@y.z", "csrf_token": "guess"}
    )
    assert forged.status_code == 403
    with httpx.Client(base_url=base) as browser:
        statuses = []
        for attempt in range(4):
            page = browser.get("/optout").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            reply = browser.post(
                "/optout",
                data={"name": f"Rate Limit{attempt}", "contact": "a@b.c", "csrf_token": token},
            )
            statuses.append(reply.status_code)
        empty = browser.post("/optout", data={"name": "", "contact": "", "csrf_token": token})
    assert 429 in statuses
    assert empty.status_code in (400, 429)
