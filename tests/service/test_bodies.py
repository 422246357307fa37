"""Hostile request bodies get a 4xx in the one error shape, never a 500; bodies over the size
cap are refused while they stream in. Against `depiction serve` on loopback."""

import json
import select
import socket
from collections.abc import Iterator

import httpx
import pytest

from .conftest import Call, image_backend, running_service

CAP = 1_000_000
"""This service's max_body_bytes."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Call]]]:
    with (
        image_backend() as (upstream, calls),
        running_service(
            tmp_path_factory.mktemp("bodies"),
            DEPICTION_UPSTREAM_URL=upstream,
            DEPICTION_MAX_BODY_BYTES=str(CAP),
        ) as base,
    ):
        yield base, calls


HOSTILE_VALUES = {
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "invalid_json"),
    "nested 50 deep": ("[" * 50 + "]" * 50, "invalid_json"),
    "5,000-digit integer": ("9" * 5000, "invalid_json"),
    "NaN": ("NaN", "invalid_json"),
    "Infinity": ("Infinity", "invalid_json"),
    "-Infinity": ("-Infinity", "invalid_json"),
    "1e999": ("1e999", "invalid_json"),
    "lone surrogate": ('"\\ud800"', "invalid_utf8"),
    "lone surrogate key": ('{"\\udfff": 1}', "invalid_utf8"),
}
ENDPOINTS = {
    "/v1/check": '{{"prompt": {value}}}',
    "/v1/images/generations": '{{"prompt": "a cat", "user": {value}}}',
    "/v1/appeals": '{{"decision_id": "x", "prompt": "a cat", "reason": {value}}}',
}


def _assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and sorted(body["error"]) == ["code", "message"]
    assert body["error"]["code"] == code


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("hostile", list(HOSTILE_VALUES))
def test_hostile_json_is_a_4xx_never_a_500(
    served: tuple[str, list[Call]], endpoint: str, hostile: str
) -> None:
    base, calls = served
    value, code = HOSTILE_VALUES[hostile]
    body = ENDPOINTS[endpoint].format(value=value).encode()
    # A new connection each time: a 500 would also close the connection it came on.
    response = httpx.post(
        base + endpoint, content=body, headers={"content-type": "application/json"}, timeout=60
    )
    _assert_error(response, 400, code)
    assert calls == []


def test_no_hostile_input_reached_the_error_handler_of_last_resort(
    served: tuple[str, list[Call]],
) -> None:
    base, _ = served
    for value, _code in HOSTILE_VALUES.values():
        httpx.post(f"{base}/v1/check", content=f'{{"prompt": {value}}}'.encode(), timeout=60)
    metrics = httpx.get(f"{base}/metrics").text
    assert 'depiction_request_errors_total{code="invalid_json"}' in metrics
    assert 'code="internal_error"' not in metrics


def test_framework_errors_use_the_documented_shape(served: tuple[str, list[Call]]) -> None:
    base, _ = served
    _assert_error(httpx.get(f"{base}/no/such/path"), 404, "not_found")
    wrong_method = httpx.get(f"{base}/v1/check")
    _assert_error(wrong_method, 405, "method_not_allowed")
    assert wrong_method.headers["allow"] == "POST"
    _assert_error(httpx.post(f"{base}/v1/admin/optout/abc/verify"), 400, "invalid_request")


MULTIPART = "multipart/form-data; boundary=xyz"


def _file_part(name: str) -> bytes:
    return (
        f'--xyz\r\nContent-Disposition: form-data; name="{name}"; filename="a.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()


def send_chunked(
    base: str, path: str, content_type: str, start: bytes, total: int
) -> tuple[int, int, dict]:  # type: ignore[type-arg]
    """POST a chunked body of `total` bytes (`start`, then filler), stopping as soon as the
    server answers. Returns (bytes sent, status, JSON body)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        sock.setblocking(False)
        filler = 64 * 1024
        chunk = f"{filler:x}\r\n".encode() + b"a" * filler + b"\r\n"
        pending, sent = f"{len(start):x}\r\n".encode() + start + b"\r\n", len(start)
        while True:
            readable, writable, _ = select.select([sock], [sock], [], 60)
            assert readable or writable, "the server neither read nor answered for a minute"
            if readable:
                break  # an answer (or a close) while the body is still coming
            if not pending:
                if sent >= total:
                    break
                pending, sent = chunk, sent + filler
            try:
                pending = pending[sock.send(pending) :]
            except OSError:
                break
        sock.setblocking(True)
        if not readable:
            sock.sendall(b"0\r\n\r\n")
        sock.settimeout(60)
        reply = b""
        while b"\r\n\r\n" not in reply or len(reply.split(b"\r\n\r\n", 1)[1]) < _length(reply):
            more = sock.recv(65536)
            assert more, f"connection closed before a full answer: {reply!r}"
            reply += more
    head, body = reply.split(b"\r\n\r\n", 1)
    return sent, int(head.split()[1]), json.loads(body[: _length(reply)])


def _length(reply: bytes) -> int:
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    for line in head.split("\r\n"):
        if line.startswith("content-length:"):
            return int(line.split(":")[1])
    return 1 << 62  # no header yet: keep reading


@pytest.mark.parametrize(
    ("path", "content_type", "start"),
    [
        ("/v1/check", "application/json", b'{"prompt": "'),
        ("/v1/images/edits", MULTIPART, _file_part("image")),
        ("/v1/check", MULTIPART, _file_part("images")),
        ("/optout", MULTIPART, _file_part("photo")),
    ],
)
def test_a_200_mib_chunked_body_is_refused_without_being_read(
    served: tuple[str, list[Call]], path: str, content_type: str, start: bytes
) -> None:
    base, calls = served
    total = 200 * 2**20
    sent, status, body = send_chunked(base, path, content_type, start, total)
    assert status == 413 and body["error"]["code"] == "payload_too_large"
    assert sent < total  # answered while the body was still coming
    assert calls == []
