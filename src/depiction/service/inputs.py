"""What each endpoint accepts, field by field: every field of a request is judged, passed
through as known-harmless, or refused with a 4xx naming it. Nothing is silently ignored, so
nothing reaches a detector or the image backend without having been judged.

Image counts and the pixels they declare are capped per request before any image is decoded.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from depiction.images import declared_pixels
from depiction.service.bodies import media_type, part_text, read_form, read_json
from depiction.service.config import ServiceConfig
from depiction.service.errors import ApiError
from depiction.service.schemas import AppealRequest, CheckRequest

_HARMLESS = {
    "model", "n", "size", "response_format", "user", "quality", "background",
    "output_format", "output_compression", "partial_images", "stream",
}  # fmt: skip
"""OpenAI Images API options that carry no content to judge (`moderation` is not among them:
it lowers the backend's own filter)."""
GENERATION_OPTIONS = frozenset(_HARMLESS | {"style"})
EDIT_OPTIONS = frozenset(_HARMLESS | {"input_fidelity"})
_EDIT_FILE = re.compile(r"image(\[\d*\])?|mask")
"""`image`, `image[]`, `image[0]`… (what OpenAI SDKs send for one or several images) and the
mask: every one is an input image and is checked."""


@dataclass(frozen=True)
class _FormShape:
    """The fields of one endpoint's multipart body."""

    endpoint: str
    texts: tuple[str, ...]
    images: str
    """How the image fields are named, for messages."""
    is_image: Callable[[str], bool]


_CHECK_FORM = _FormShape("/v1/check", ("prompt", "mode"), "images", lambda name: name == "images")
_EDIT_FORM = _FormShape(
    "/v1/images/edits",
    ("prompt", *sorted(EDIT_OPTIONS)),
    "image, image[], image[N], mask",
    lambda name: _EDIT_FILE.fullmatch(name) is not None,
)


@dataclass(frozen=True)
class FilePart:
    """One uploaded file of a multipart request, read into memory (within the body cap)."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class CheckInput:
    prompt: str
    mode: str
    images: list[bytes]


@dataclass(frozen=True)
class EditInput:
    """An edit request as judged: its prompt, its input images, and the harmless options that
    are forwarded with them."""

    prompt: str
    options: dict[str, str]
    files: list[FilePart]


async def read_check(request: Request, settings: ServiceConfig) -> CheckInput:
    """`/v1/check`: JSON `{"prompt", "mode"?, "images"?}` or the same fields as multipart."""
    kind = media_type(request)
    if kind == "application/json":
        body = validated(CheckRequest, await read_json(request), "/v1/check")
        return CheckInput(body.prompt, body.mode, decoded_images(body.images, settings))
    if kind != "multipart/form-data":
        raise ApiError(
            415, "unsupported_media_type", "send application/json or multipart/form-data"
        )
    texts, files = await _read_parts(request, settings, _CHECK_FORM)
    return CheckInput(
        texts.get("prompt", ""), texts.get("mode", "generate"), [f.data for f in files]
    )


async def read_generation(request: Request) -> dict[str, Any]:
    """`/v1/images/generations`: the prompt, judged, plus harmless options (plain values)."""
    body = await read_json(request)
    for name, value in body.items():
        if name == "prompt":
            continue
        if name not in GENERATION_OPTIONS:
            raise _unknown(name, "/v1/images/generations", ["prompt", *sorted(GENERATION_OPTIONS)])
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ApiError(
                400, "invalid_request", f"field '{name}' must be a string, number or boolean"
            )
    return body


async def read_edit(request: Request, settings: ServiceConfig) -> EditInput:
    """`/v1/images/edits`: multipart prompt, image parts (and mask), harmless options."""
    texts, files = await _read_parts(request, settings, _EDIT_FORM)
    prompt = texts.pop("prompt", "")
    return EditInput(prompt, texts, files)


async def read_appeal(request: Request) -> AppealRequest:
    return validated(AppealRequest, await read_json(request), "/v1/appeals")


async def _read_parts(
    request: Request, settings: ServiceConfig, shape: _FormShape
) -> tuple[dict[str, str], list[FilePart]]:
    """Text fields (each at most once) and image files of a multipart body; any other field,
    a text field sent twice or an image sent as text is a 4xx naming it."""
    form = await read_form(request)
    items = form.multi_items()
    _check_count(sum(1 for name, _ in items if shape.is_image(name)), settings)
    texts: dict[str, str] = {}
    files: list[FilePart] = []
    for name, value in items:
        if shape.is_image(name):
            files.append(await _image_part(name, value, settings))
        elif name not in shape.texts:
            raise _unknown(name, shape.endpoint, [*shape.texts, shape.images])
        elif name in texts:
            raise ApiError(400, "invalid_request", f"field '{name}' is sent more than once")
        else:
            texts[name] = await part_text(name, value)
    _check_pixels([part.data for part in files], settings)
    return texts, files


async def _image_part(name: str, value: str | UploadFile, settings: ServiceConfig) -> FilePart:
    if not isinstance(value, UploadFile):
        raise ApiError(400, "invalid_image", f"field '{name}' must be an image file, not text")
    data = await value.read()
    _check_size(data, settings)
    return FilePart(
        name, value.filename or name, value.content_type or "application/octet-stream", data
    )


def decoded_images(items: list[str], settings: ServiceConfig) -> list[bytes]:
    """Base64 images or data URLs, decoded within the count, size and pixel limits."""
    _check_count(len(items), settings)
    images = [_decode_image(item, settings) for item in items]
    _check_pixels(images, settings)
    return images


def _decode_image(item: str, settings: ServiceConfig) -> bytes:
    payload = item.split(",", 1)[1] if item.startswith("data:") else item
    try:
        image = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ApiError(
            400, "invalid_image", "an image is neither base64 nor a base64 data URL"
        ) from error
    _check_size(image, settings)
    return image


def _check_size(image: bytes, settings: ServiceConfig) -> None:
    if len(image) > settings.max_image_bytes:
        raise ApiError(
            413, "image_too_large", f"an image is over {settings.max_image_bytes:,} bytes"
        )


def _check_count(count: int, settings: ServiceConfig) -> None:
    if count > settings.max_images_per_request:
        raise ApiError(
            413,
            "too_many_images",
            f"{count} images in one request; the limit is {settings.max_images_per_request}",
        )


def _check_pixels(images: list[bytes], settings: ServiceConfig) -> None:
    """Total pixels as the images' headers declare them, before any is decoded: many small
    files of huge images would otherwise cost minutes and gigabytes to decode."""
    total = sum(declared_pixels(image) for image in images)
    if total > settings.max_request_pixels:
        raise ApiError(
            413,
            "too_many_pixels",
            f"the images hold {total:,} pixels together; the limit is "
            f"{settings.max_request_pixels:,} per request",
        )


Model = TypeVar("Model", bound=BaseModel)


def validated(model: type[Model], data: dict[str, Any], endpoint: str) -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        if first["type"] == "extra_forbidden":
            raise _unknown(name, endpoint, list(model.model_fields)) from error
        raise ApiError(400, "invalid_request", f"field '{name}': {first['msg']}") from error


def _unknown(name: str, endpoint: str, accepted: list[str]) -> ApiError:
    shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return ApiError(
        400,
        "invalid_request",
        f"unknown field '{shown}': {endpoint} takes {', '.join(accepted)}",
    )
