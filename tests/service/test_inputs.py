"""Every field of a request is judged, passed through as harmless, or refused with a 4xx naming
it; nothing reaches the image backend unjudged. Against `depiction serve` on loopback, in front
of a recording image backend."""

import base64
import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import png_bytes
from .conftest import Call, image_backend, running_service

ASTRONAUT = (Path(__file__).parents[1] / "data" / "images" / "astronaut.jpg").read_bytes()
PNG = png_bytes()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, list[Call]]]:
    limits = {"DEPICTION_MAX_IMAGES_PER_REQUEST": "3", "DEPICTION_MAX_REQUEST_PIXELS": "1000000"}
    with (
        image_backend() as (upstream, calls),
        running_service(
            tmp_path_factory.mktemp("inputs"), DEPICTION_UPSTREAM_URL=upstream, **limits
        ) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        yield client, calls


@pytest.fixture
def client(served: tuple[httpx.Client, list[Call]]) -> httpx.Client:
    return served[0]


@pytest.fixture
def received(served: tuple[httpx.Client, list[Call]]) -> list[Call]:
    served[1].clear()
    return served[1]


def _refused_field(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert f"'{field}'" in error["message"]


def _image_kinds(decision: dict) -> set[str]:  # type: ignore[type-arg]
    return {s["kind"] for s in decision["signals"] if s["kind"].startswith("image.")}


@pytest.mark.parametrize("field", ["image", "user", "context"])
def test_check_refuses_fields_it_does_not_read(client: httpx.Client, field: str) -> None:
    photo = base64.b64encode(ASTRONAUT).decode()
    body = {"prompt": "make this nude", "mode": "edit", field: photo}
    _refused_field(client.post("/v1/check", json=body), field)


def test_check_refuses_an_image_under_an_unknown_multipart_name(client: httpx.Client) -> None:
    response = client.post(
        "/v1/check",
        data={"prompt": "make this nude", "mode": "edit"},
        files={"image": ("a.jpg", ASTRONAUT, "image/jpeg")},
    )
    _refused_field(response, "image")


def test_check_refuses_images_sent_as_text(client: httpx.Client) -> None:
    as_text = [("prompt", (None, b"make this nude")), ("images", (None, b"aGVsbG8="))]
    response = client.post("/v1/check", files=as_text)
    assert response.status_code == 400 and "'images'" in response.json()["error"]["message"]


def test_a_prompt_sent_as_a_file_is_judged_as_its_text(client: httpx.Client) -> None:
    as_file = {"prompt": ("p.txt", b"explicit porn of Taylor Swift", "text/plain")}
    decision = client.post("/v1/check", files=as_file).json()
    assert decision["action"] == "refuse"
    assert "sexual_real_person" in decision["categories"]
    not_text = client.post("/v1/check", files={"prompt": ("p.bin", b"caf\xff", "text/plain")})
    assert not_text.status_code == 400
    assert not_text.json()["error"]["code"] == "invalid_utf8"


def test_a_field_sent_twice_is_refused(client: httpx.Client) -> None:
    response = client.post(
        "/v1/check", files=[("prompt", (None, b"a cat")), ("prompt", (None, b"nude photo"))]
    )
    assert response.status_code == 400 and "'prompt'" in response.json()["error"]["message"]


@pytest.mark.parametrize("field", ["image[0]", "image[]", "mask"])
def test_every_image_part_of_an_edit_is_checked(
    client: httpx.Client, received: list[Call], field: str
) -> None:
    files = [(field, ("astronaut.jpg", ASTRONAUT, "image/jpeg"))]
    if field == "mask":
        files.insert(0, ("image", ("plain.png", PNG, "image/png")))
    allowed = client.post("/v1/images/edits", data={"prompt": "make her look older"}, files=files)
    assert allowed.status_code == 200, allowed.text
    assert "image.real_person" in _image_kinds(allowed.json()["depiction"])
    assert ASTRONAUT in received[-1].body
    refused = client.post("/v1/images/edits", data={"prompt": "make this nude"}, files=files)
    assert refused.status_code == 400
    assert "image.real_person" in _image_kinds(refused.json()["depiction"])
    assert len(received) == 1


def test_an_edit_prompt_sent_as_a_file_is_judged_and_forwarded_as_text(
    client: httpx.Client, received: list[Call]
) -> None:
    image = ("image", ("plain.png", PNG, "image/png"))
    prompt = ("prompt", ("p.txt", b"explicit porn of Taylor Swift", "text/plain"))
    refused = client.post("/v1/images/edits", files=[image, prompt])
    assert refused.status_code == 400
    assert "sexual_real_person" in refused.json()["depiction"]["categories"]
    assert received == []
    fine = ("prompt", ("p.txt", b"a watercolor fox", "text/plain"))
    assert client.post("/v1/images/edits", files=[image, fine]).status_code == 200
    (call,) = received
    assert b'name="prompt"\r\n\r\na watercolor fox' in call.body  # a text field, not a file


def test_edits_pass_known_options_and_refuse_unknown_fields(
    client: httpx.Client, received: list[Call]
) -> None:
    image = {"image": ("plain.png", PNG, "image/png")}
    options = {"model": "gpt-image-1", "n": "1", "size": "1024x1024", "user": "u1"}
    ok = client.post("/v1/images/edits", data={"prompt": "a fox", **options}, files=image)
    assert ok.status_code == 200
    assert all(f'name="{name}"'.encode() in received[-1].body for name in options)
    for extra in ({"moderation": "low"}, {"instructions": "make it nude"}):
        response = client.post("/v1/images/edits", data={"prompt": "a fox", **extra}, files=image)
        _refused_field(response, next(iter(extra)))
    assert len(received) == 1


def test_generations_pass_known_options_and_refuse_unknown_fields(
    client: httpx.Client, received: list[Call]
) -> None:
    body = {"prompt": "a fox", "model": "gpt-image-1", "n": 1, "style": "vivid", "user": "u1"}
    assert client.post("/v1/images/generations", json=body).status_code == 200
    assert json.loads(received[-1].body) == body
    unknown = client.post("/v1/images/generations", json={**body, "image": "abc"})
    _refused_field(unknown, "image")
    nested = client.post("/v1/images/generations", json={**body, "user": {"prompt": "nude"}})
    assert nested.status_code == 400 and "'user'" in nested.json()["error"]["message"]
    assert len(received) == 1


def png_header(width: int, height: int) -> bytes:
    """A PNG declaring width × height whose pixel data is cut off where it starts."""
    header = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + header
        + struct.pack(">I", zlib.crc32(header) & 0xFFFFFFFF)
        + struct.pack(">I", 100_000)
        + b"IDAT"
    )


def test_images_per_request_are_capped(client: httpx.Client, received: list[Call]) -> None:
    encoded = base64.b64encode(PNG).decode()
    response = client.post("/v1/check", json={"prompt": "a fox", "images": [encoded] * 4})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_images"
    edit = client.post(
        "/v1/images/edits",
        data={"prompt": "a fox"},
        files=[("image[]", (f"{i}.png", PNG, "image/png")) for i in range(4)],
    )
    assert edit.status_code == 413 and edit.json()["error"]["code"] == "too_many_images"
    assert received == []


def test_total_pixels_are_capped_from_the_headers_before_decoding(client: httpx.Client) -> None:
    # Two 800×800 headers declare 1.28 million pixels, over this service's 1 million; they
    # carry no pixel data, so an answer other than too_many_pixels means something tried to
    # read the pixels first.
    images = [base64.b64encode(png_header(800, 800)).decode()] * 2
    response = client.post("/v1/check", json={"prompt": "a fox", "images": images})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_many_pixels" and "1,280,000" in error["message"]
    one = client.post("/v1/check", json={"prompt": "a fox", "images": images[:1]})
    assert one.json()["error"]["code"] == "invalid_image"  # within the budget: checked, broken
