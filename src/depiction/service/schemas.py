"""The HTTP API's bodies as pydantic models: what the endpoints validate requests with, what
the OpenAPI document (`/docs`) shows, and what `depiction.client` parses replies into.

Requests are strict (a wrong type or an unknown key is a 400 naming it); replies are
documented here but built by the endpoints themselves, so they cost no second validation.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from depiction.decision import Decision, PolicyRef


class _Strict(BaseModel):
    """Every part of the body is typed exactly; an unknown key is a 400 naming it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CheckRequest(_Strict):
    """`POST /v1/check` as JSON (the same fields may be sent as multipart/form-data, images as
    file parts named `images`)."""

    prompt: str = ""
    mode: str = Field(default="generate", description="'generate' or 'edit'.")
    images: list[str] = Field(
        default_factory=list, description="Input images, base64 or data: URLs (edit mode)."
    )


CheckResponse = Decision
"""`/v1/check` answers the decision itself."""


class AppealRequest(_Strict):
    """`POST /v1/appeals`: the decision contested and why; `prompt` and `action` for decisions
    the service no longer remembers."""

    decision_id: str = ""
    reason: str = ""
    prompt: str | None = None
    mode: str = "generate"
    action: str = "refuse"


class AppealReceipt(BaseModel):
    appeal_id: int
    status: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. 'invalid_request'.")
    message: str


class ErrorBody(BaseModel):
    """Every error the service answers, whatever the endpoint."""

    error: ErrorDetail


class TextPart(_Strict):
    type: Literal["text"]
    text: str


class ImageUrl(_Strict):
    url: str = Field(description="A data: URL; remote images are never fetched.")


class ImagePart(_Strict):
    type: Literal["image_url"]
    image_url: ImageUrl


class ModerationRequest(_Strict):
    """OpenAI's moderation request: one check per string, or one check for a list of text
    and image parts."""

    input: str | list[str] | list[TextPart | ImagePart]
    model: str | None = Field(default=None, description="Accepted and ignored.")


class ModerationResult(BaseModel):
    flagged: bool
    categories: dict[str, bool]
    category_scores: dict[str, float]
    category_applied_input_types: dict[str, list[str]]
    depiction: dict[str, Any] = Field(
        description="decision_id, action, rules, explanation, revised_prompt, language."
    )


class ModerationResponse(BaseModel):
    id: str
    model: str
    results: list[ModerationResult]


class Readiness(BaseModel):
    status: Literal["ready"]
    policy: PolicyRef


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": meaning}
    for status, meaning in {
        400: "invalid request, prompt or image",
        401: "API key missing or unknown",
        403: "API key lacks the scope",
        413: "body over the size limit",
        415: "unsupported media type",
        503: "registry or upstream unavailable",
    }.items()
}
"""The error replies every checking endpoint documents."""


def request_body(model: type[BaseModel], *, multipart: bool = False) -> dict[str, Any]:
    """An `openapi_extra` declaring the JSON body the endpoint reads itself (it parses the
    body by hand, to answer every malformed part with a precise 400)."""
    content = {"application/json": {"schema": model.model_json_schema()}}
    if multipart:
        content["multipart/form-data"] = {"schema": model.model_json_schema()}
    return {"requestBody": {"required": True, "content": content}}
