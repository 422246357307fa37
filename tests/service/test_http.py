"""The HTTP service, started for real (`depiction serve`) on loopback, used with httpx."""

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import DECISION_FIELDS, depiction, png_bytes
from .conftest import running_service

PNG = png_bytes()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    folder = tmp_path_factory.mktemp("service")
    log = folder / "decisions.jsonl"
    args = ("--decision-log", str(log), "--log-prompts")
    with (
        running_service(folder, *args, DEPICTION_MAX_BODY_BYTES="200000") as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client, log


def test_check_returns_the_decision_and_an_id(service: tuple[httpx.Client, Path]) -> None:
    client, _ = service
    response = client.post("/v1/check", json={"prompt": "nude photo of Taylor Swift"})
    assert response.status_code == 200
    body = response.json()
    assert body["action"] == "refuse"
    assert body["categories"] == ["sexual_real_person"]
    assert len(body["decision_id"]) == 32
    assert list(body) == DECISION_FIELDS


def test_edit_with_images_as_json_and_multipart(service: tuple[httpx.Client, Path]) -> None:
    client, _ = service
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    as_json = client.post(
        "/v1/check", json={"prompt": "remove her clothes", "mode": "edit", "images": [data_url]}
    )
    assert as_json.json()["action"] == "refuse"
    as_form = client.post(
        "/v1/check",
        data={"prompt": "make her eyes look more Asian", "mode": "edit"},
        files={"images": ("in.png", PNG)},
    )
    assert as_form.status_code == 200
    assert as_form.json()["action"] == "allow"


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"json": {"prompt": "  "}}, 400, "invalid_request"),
        ({"json": {"prompt": "a cat", "mode": "paint"}}, 400, "invalid_request"),
        ({"json": {"prompt": "x" * 5000}}, 400, "invalid_request"),
        ({"json": {"prompt": "a cat", "images": ["%%%"]}}, 400, "invalid_image"),
        (
            {"json": {"prompt": "a cat", "images": [base64.b64encode(b"not an image").decode()]}},
            400,
            "invalid_image",
        ),
        ({"json": ["a cat"]}, 400, "invalid_request"),
        (
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "invalid_json",
        ),
        (
            {"content": b'{"prompt": "caf\xff"}', "headers": {"content-type": "application/json"}},
            400,
            "invalid_utf8",
        ),
        (
            {"content": b"prompt=a cat", "headers": {"content-type": "text/plain"}},
            415,
            "unsupported_media_type",
        ),
        ({"json": {"prompt": "a cat", "images": ["A" * 300_000]}}, 413, "payload_too_large"),
    ],
)
def test_bad_requests_get_json_errors_with_stable_codes(
    service: tuple[httpx.Client, Path],
    kwargs: dict,
    status: int,
    code: str,  # type: ignore[type-arg]
) -> None:
    client, _ = service
    response = client.post("/v1/check", **kwargs)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert "Traceback" not in response.text


def test_health_readiness_metrics_and_docs(service: tuple[httpx.Client, Path]) -> None:
    client, _ = service
    client.post("/v1/check", json={"prompt": "a cat on a sofa"})
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["policy"]["name"] == "default"
    metrics = client.get("/metrics").text
    assert 'depiction_decisions_total{action="allow",category="none"}' in metrics
    assert "depiction_check_seconds_bucket" in metrics
    assert 'depiction_request_errors_total{code="invalid_json"}' in metrics
    assert client.get("/docs").status_code == 200
    assert "/v1/check" in client.get("/openapi.json").json()["paths"]


def test_decision_log_is_replayable_by_eval(
    service: tuple[httpx.Client, Path], tmp_path: Path
) -> None:
    client, log = service
    client.post("/v1/check", json={"prompt": "12岁女孩裸体"})
    records = [json.loads(line) for line in log.read_text().splitlines()]
    last = records[-1]
    assert last["action"] == "refuse" and last["categories"] == ["sexual_minors"]
    assert len(last["input_sha256"]) == 64 and last["prompt"] == "12岁女孩裸体"
    replay = depiction("eval", str(log))
    assert replay.returncode == 0, replay.stderr
    assert "100.0%" in replay.stdout.splitlines()[1]


def test_settings_file_and_its_errors(tmp_path: Path) -> None:
    good = tmp_path / "service.yaml"
    good.write_text("max_body_bytes: 1000\nlog_prompts: true\n")
    with running_service(tmp_path, "--config", str(good)) as base:
        big = httpx.post(f"{base}/v1/check", json={"prompt": "a cat " * 300})
        assert big.json()["error"]["code"] == "payload_too_large"
    bad = tmp_path / "bad.yaml"
    bad.write_text("max_body_bytes: lots\nfavourite_colour: blue\n")
    result = subprocess.run(
        [sys.executable, "-m", "depiction", "serve", "--config", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: service setting '")
    assert len(result.stderr.strip().splitlines()) == 1


def test_edits_respect_the_body_limit_too(service: tuple[httpx.Client, Path]) -> None:
    client, _ = service
    big = client.post(
        "/v1/images/edits", data={"prompt": "x"}, files={"image": ("a.png", b"\0" * 300_000)}
    )
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "payload_too_large"


ASTRONAUT = (Path(__file__).parents[1] / "data" / "images" / "astronaut.jpg").read_bytes()


def _image_kinds(body: dict) -> set[str]:  # type: ignore[type-arg]
    return {s["kind"] for s in body["signals"] if s["kind"].startswith("image.")}


def test_check_judges_edits_with_what_is_in_the_image(service: tuple[httpx.Client, Path]) -> None:
    client, _ = service
    as_json = client.post(
        "/v1/check",
        json={
            "prompt": "make this nude",
            "mode": "edit",
            "images": [base64.b64encode(ASTRONAUT).decode()],
        },
    ).json()
    assert as_json["action"] == "refuse"
    assert as_json["categories"] == ["sexual_real_person"]
    assert {"image.face", "image.photo_real", "image.real_person"} <= _image_kinds(as_json)
    as_form = client.post(
        "/v1/check",
        data={"prompt": "make her look older", "mode": "edit"},
        files={"images": ("astronaut.jpg", ASTRONAUT, "image/jpeg")},
    ).json()
    assert as_form["action"] == "allow" and as_form["categories"] == ["trait_edit"]
    assert "image.real_person" in _image_kinds(as_form)


def test_an_image_cut_short_after_its_header_is_a_json_400(
    service: tuple[httpx.Client, Path],
) -> None:
    client, _ = service
    cut = ASTRONAUT[: len(ASTRONAUT) // 2]
    response = client.post(
        "/v1/check",
        data={"prompt": "make her smile", "mode": "edit"},
        files={"images": ("cut.jpg", cut, "image/jpeg")},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_image"
    assert error["message"].startswith("image 1 is broken or truncated")


def test_the_decision_log_keeps_a_digest_of_images_never_the_images(
    service: tuple[httpx.Client, Path],
) -> None:
    client, log = service
    decision_id = client.post(
        "/v1/check",
        data={"prompt": "give her red hair", "mode": "edit"},
        files={"images": ("astronaut.jpg", ASTRONAUT, "image/jpeg")},
    ).json()["decision_id"]
    text = log.read_text(encoding="utf-8")
    (line,) = [json.loads(row) for row in text.splitlines() if decision_id in row]
    assert set(line) == {
        "decision_id",
        "timestamp",
        "policy_sha256",
        "input_sha256",
        "mode",
        "language",
        "action",
        "categories",
        "rules",
        "latency_ms",
        "prompt",  # this service runs with --log-prompts
    }
    encoded = base64.b64encode(ASTRONAUT).decode()
    assert not any(encoded[i : i + 24] in text for i in range(0, 4000, 400))
    assert "\\u00ff\\u00d8" not in text and "ÿØ" not in text  # no raw JPEG bytes either
