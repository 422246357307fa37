"""Reading request bodies without trusting them: a size cap enforced while the body streams in,
JSON parsed strictly (no NaN, no huge numbers, no deep nesting, no lone surrogates), and
multipart parts read as what they claim to be.

Every problem is an `ApiError` (a 4xx JSON error), never an exception that becomes a 500.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from depiction.service.errors import ApiError

MAX_JSON_DEPTH = 32
"""No request of this API nests deeper than 3; 32 leaves room and keeps every walk shallow."""
MAX_NUMBER_DIGITS = 64
"""No field of this API needs a longer number (a 5,000-digit integer is an attack, not data)."""


class BodyLimit:
    """ASGI middleware: a body over `max_bytes` is refused with 413 as soon as that is known,
    from its Content-Length or while it streams in (chunked), so it is never read in full.

    The check sits in `receive`, so it covers every route that reads a body (JSON, multipart,
    portal forms, raw photo uploads) and the error goes through the app's one error handler.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        received = 0

        async def limited() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise self._too_large()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, limited, send)

    def _too_large(self) -> ApiError:
        return ApiError(413, "payload_too_large", f"request body over {self.max_bytes:,} bytes")


def media_type(request: Request) -> str:
    """The body's media type, lower-cased, without parameters."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_json(request: Request) -> dict[str, Any]:
    """The body as a JSON object, or a 4xx saying what is wrong with it."""
    if media_type(request) != "application/json":
        raise ApiError(415, "unsupported_media_type", "this endpoint takes application/json")
    return parse_json(await request.body())


def parse_json(body: bytes) -> dict[str, Any]:
    """A JSON object from bytes, strictly: what json.loads lets through (NaN, 1e999, a
    5,000-digit integer, 100,000 nested brackets, "\\ud800") either crashes later code or
    cannot be forwarded, so it is refused here."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, "invalid_utf8", "request body is not valid UTF-8") from error
    try:
        data = json.loads(
            text, parse_constant=_no_constant, parse_float=_finite, parse_int=_bounded_int
        )
    except RecursionError as error:
        raise _invalid(f"it nests deeper than {MAX_JSON_DEPTH} levels") from error
    except json.JSONDecodeError as error:
        raise _invalid(error.msg) from error
    except _NotPlainJson as error:
        raise _invalid(str(error)) from error
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_request", "request body must be a JSON object")
    _check_tree(data)
    return data


async def read_form(request: Request) -> FormData:
    """The body as multipart form data (files spooled by Starlette, within the body cap)."""
    if media_type(request) != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "this endpoint takes multipart/form-data")
    try:
        return await request.form()
    except HTTPException as error:  # Starlette's own limits: part size, field and file counts
        raise ApiError(400, "invalid_request", f"multipart body: {error.detail}") from error


async def part_text(name: str, value: str | UploadFile) -> str:
    """A text field's value. A file sent under a text field's name is read as UTF-8 text, so
    what is judged is what the client sent (never the file object's repr)."""
    if isinstance(value, str):
        return value
    data = await value.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(
            400, "invalid_utf8", f"field '{name}' was sent as a file that is not UTF-8 text"
        ) from error


class _NotPlainJson(ValueError):
    """A number or constant this API refuses (raised from json.loads' hooks)."""


def _no_constant(name: str) -> Any:
    raise _NotPlainJson(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotPlainJson(f"the number {text[:20]}… is too large")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _NotPlainJson(
            f"a number has {len(text.lstrip('-')):,} digits (at most {MAX_NUMBER_DIGITS})"
        )
    return int(text)


def _check_tree(data: dict[str, Any]) -> None:
    """Refuse deep nesting and text that is not valid Unicode (a lone surrogate escape cannot
    be stored, logged as UTF-8 or forwarded), naming the top-level field it is in."""
    stack: list[tuple[str, Any, int]] = [(key, value, 1) for key, value in data.items()]
    stack += [(key, key, 1) for key in data]
    while stack:
        field, value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _invalid(f"'{_printable(field)}' nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                raise ApiError(
                    400,
                    "invalid_utf8",
                    f"'{_printable(field)}' holds a lone surrogate escape (such as \\ud800), "
                    "which is not text",
                ) from error
        elif isinstance(value, dict):
            stack += [(field, item, depth + 1) for pair in value.items() for item in pair]
        elif isinstance(value, list):
            stack += [(field, item, depth + 1) for item in value]


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _invalid(reason: str) -> ApiError:
    return ApiError(400, "invalid_json", f"request body is not valid JSON: {reason}")
