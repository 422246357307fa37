"""The OpenAI-compatible gateway, with the official `openai` client, in front of a real
image backend started on loopback by the test (it records what reaches it)."""

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from .conftest import BACKEND_PNG as PNG
from .conftest import FLOOD, TRICKLE, Call, image_backend, running_service
from .test_admin import bearer, create_key


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Call]]]:
    """The service, in front of a recording image backend: (service URL, calls received)."""
    with (
        image_backend() as (upstream, calls),
        running_service(
            tmp_path_factory.mktemp("gw"),
            DEPICTION_UPSTREAM_URL=upstream,
            DEPICTION_UPSTREAM_TIMEOUT="2",
            DEPICTION_MAX_UPSTREAM_REPLY_BYTES="5000000",
        ) as base,
    ):
        yield base, calls


@pytest.fixture
def gateway(backend: tuple[str, list[Call]]) -> str:
    return backend[0]


@pytest.fixture
def received(backend: tuple[str, list[Call]]) -> list[Call]:
    backend[1].clear()
    return backend[1]


@pytest.fixture
def client(gateway: str, received: list[Call]) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{gateway}/v1", api_key="sk-test", max_retries=0)


def test_allowed_generation_reaches_the_backend_unchanged(
    client: openai.OpenAI, gateway: str, received: list[Call]
) -> None:
    result = client.images.generate(model="gpt-image-1", prompt="a watercolor fox in the snow")
    assert result.data[0].b64_json == PNG
    assert (
        'depiction_upstream_seconds_count{endpoint="generations"}'
        in httpx.get(f"{gateway}/metrics").text
    )
    assert received[-1].path == "/v1/images/generations"
    assert json.loads(received[-1].body)["prompt"] == "a watercolor fox in the snow"


def test_revised_generation_sends_the_revised_prompt(
    client: openai.OpenAI, received: list[Call]
) -> None:
    raw = client.images.with_raw_response.generate(
        model="gpt-image-1", prompt="a castle at dusk, by Greg Rutkowski"
    )
    assert raw.headers["x-depiction-decision"].startswith("revise; id=")
    assert json.loads(received[-1].body)["prompt"] == "a castle at dusk"
    assert json.loads(raw.http_response.text)["depiction"]["action"] == "revise"


def test_refused_generation_is_an_openai_error_and_never_reaches_the_backend(
    client: openai.OpenAI, received: list[Call]
) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.images.generate(model="gpt-image-1", prompt="nude photo of Taylor Swift")
    assert raised.value.code == "content_policy_violation"
    assert "Taylor Swift" in raised.value.message
    body = raised.value.response.json()
    assert body["depiction"]["categories"] == ["sexual_real_person"]
    assert received == []


def test_edits_are_checked_with_their_image_and_forwarded(
    client: openai.OpenAI, received: list[Call], tmp_path: Path
) -> None:
    image = tmp_path / "in.png"
    image.write_bytes(base64.b64decode(PNG))
    with image.open("rb") as handle:
        result = client.images.edit(
            model="gpt-image-1", image=handle, prompt="make her eyes look more Asian"
        )
    assert result.data[0].b64_json == PNG
    path, body = received[-1].path, received[-1].body
    assert path == "/v1/images/edits"
    assert b"make her eyes look more Asian" in body and base64.b64decode(PNG) in body
    with image.open("rb") as handle, pytest.raises(openai.BadRequestError):
        client.images.edit(model="gpt-image-1", image=handle, prompt="remove her clothes")
    assert len(received) == 1


def test_without_an_upstream_the_gateway_answers_503_and_check_still_works(tmp_path: Path) -> None:
    with running_service(tmp_path) as base:
        reply = httpx.post(f"{base}/v1/images/generations", json={"prompt": "a cat"})
        assert reply.status_code == 503
        assert reply.json()["error"]["code"] == "upstream_unavailable"
        assert httpx.post(f"{base}/v1/check", json={"prompt": "a cat"}).json()["action"] == "allow"


def test_edits_are_judged_with_what_is_in_their_image(
    client: openai.OpenAI, received: list[Call]
) -> None:
    photo = Path(__file__).parents[1] / "data" / "images" / "astronaut.jpg"
    with photo.open("rb") as handle:
        client.images.edit(model="gpt-image-1", image=handle, prompt="make her look older")
    assert len(received) == 1
    with photo.open("rb") as handle, pytest.raises(openai.BadRequestError) as raised:
        client.images.edit(model="gpt-image-1", image=handle, prompt="make this nude")
    decision = raised.value.response.json()["depiction"]
    assert decision["categories"] == ["sexual_real_person"]
    assert any(s["kind"] == "image.real_person" for s in decision["signals"])
    assert len(received) == 1


def test_a_backend_trickling_its_answer_is_cut_off_at_one_deadline(
    gateway: str, received: list[Call]
) -> None:
    # The backend sends a byte every half second, for ever: each read is well within the
    # 2 s timeout, so only a deadline on the whole call ends it.
    reply = httpx.post(
        f"{gateway}/v1/images/generations",
        json={"prompt": f"a fox, {TRICKLE.decode()}"},
        timeout=30,
    )
    assert reply.status_code == 503
    assert reply.json()["error"] == {
        "code": "upstream_unavailable",
        "message": "the image backend did not answer within 2 s",
    }
    assert len(received) == 1


def test_an_endless_upstream_reply_is_cut_at_the_cap(gateway: str) -> None:
    reply = httpx.post(
        f"{gateway}/v1/images/generations", json={"prompt": f"a fox, {FLOOD.decode()}"}, timeout=30
    )
    assert reply.status_code == 503
    assert reply.json()["error"] == {
        "code": "upstream_unavailable",
        "message": "the image backend's reply is over 5,000,000 bytes (max_upstream_reply_bytes)",
    }


@pytest.mark.parametrize("upstream_key", [None, "sk-upstream"])
def test_with_keys_required_the_clients_own_key_never_reaches_the_backend(
    tmp_path: Path, upstream_key: str | None
) -> None:
    key = create_key(tmp_path, "gateway")
    settings = {"DEPICTION_UPSTREAM_API_KEY": upstream_key} if upstream_key else {}
    with (
        image_backend() as (upstream, calls),
        running_service(
            tmp_path, DEPICTION_UPSTREAM_URL=upstream, DEPICTION_REQUIRE_KEYS="true", **settings
        ) as base,
    ):
        generated = httpx.post(
            f"{base}/v1/images/generations", json={"prompt": "a fox"}, headers=bearer(key)
        )
        edited = httpx.post(
            f"{base}/v1/images/edits",
            data={"prompt": "a fox"},
            files={"image": ("in.png", base64.b64decode(PNG), "image/png")},
            headers=bearer(key),
        )
    assert (generated.status_code, edited.status_code) == (200, 200)
    assert len(calls) == 2
    for call in calls:
        assert key not in repr(call)
        expected = f"Bearer {upstream_key}" if upstream_key else None
        assert call.headers.get("authorization") == expected
