"""OpenAI Images API-compatible gateway: check, then forward to the real image backend.

Clients keep using their OpenAI SDK and change only `base_url`. An allowed request is
forwarded unchanged; a revised one with the revised prompt; a refused one gets an
OpenAI-style error (`code: content_policy_violation`) with the decision attached. The
decision also travels in the `X-Depiction-Decision` response header (action and id) and,
for JSON responses, in a `depiction` field.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from depiction.decision import Decision
from depiction.service.inputs import FilePart

DECISION_HEADER = "X-Depiction-Decision"
_HOP_BY_HOP = {"content-length", "content-encoding", "transfer-encoding", "connection"}


@dataclass(frozen=True)
class Upstream:
    """The image backend: base URL, and the key to send it (else the client's own is passed on)."""

    url: str
    api_key: str | None = None
    pass_client_auth: bool = True
    """Forward the client's own Authorization when there is no api_key (never when depiction's
    own keys are in use: the client's key is then a depiction key)."""
    timeout_s: float = 120.0
    """One deadline for the whole call: httpx's timeouts are per read, so a backend trickling
    a byte a second would otherwise hold the request for ever."""
    max_reply_bytes: int = 100 * 2**20
    """The largest reply read from the backend: a broken or hostile one could otherwise fill
    the memory of every worker."""


class UpstreamUnavailable(Exception):
    """No upstream is configured, or it could not be reached."""


def refusal(decision: Decision) -> JSONResponse:
    """The OpenAI error shape, so SDKs raise their usual BadRequestError."""
    body = {
        "error": {
            "message": decision.explanation(),
            "type": "invalid_request_error",
            "param": "prompt",
            "code": "content_policy_violation",
        },
        "depiction": decision.model_dump(mode="json"),
    }
    return JSONResponse(body, 400, headers={DECISION_HEADER: f"refuse; id={decision.decision_id}"})


async def forward_json(
    client: httpx.AsyncClient, upstream: Upstream | None, path: str, request: Request, body: dict[str, Any],
    decision: Decision,
) -> Response:  # fmt: skip
    """Forward a JSON images request (generations)."""
    if decision.revised_prompt is not None:
        body = {**body, "prompt": decision.revised_prompt}
    return await _send(client, upstream, path, request, decision, json=body)


async def forward_form(
    client: httpx.AsyncClient, upstream: Upstream | None, path: str, request: Request,
    prompt: str, options: dict[str, str], parts: Sequence[FilePart], decision: Decision,
) -> Response:  # fmt: skip
    """Forward a multipart images request (edits): exactly the judged prompt, options and
    files, rebuilt from what was checked (never the raw body)."""
    revised = decision.revised_prompt
    data = {**options, "prompt": prompt if revised is None else revised}
    files = [(p.field, (p.filename, p.data, p.content_type)) for p in parts]
    return await _send(client, upstream, path, request, decision, data=data, files=files)


async def _send(
    client: httpx.AsyncClient, upstream: Upstream | None, path: str, request: Request,
    decision: Decision, **payload: Any,
) -> Response:  # fmt: skip
    if upstream is None:
        raise UpstreamUnavailable("no image backend is configured (set DEPICTION_UPSTREAM_URL)")
    passed = {"openai-organization"}
    if upstream.api_key is None and upstream.pass_client_auth:
        passed.add("authorization")
    headers = {k: v for k, v in request.headers.items() if k.lower() in passed}
    if upstream.api_key:
        headers["authorization"] = f"Bearer {upstream.api_key}"
    try:
        async with (
            asyncio.timeout(upstream.timeout_s),
            client.stream(
                "POST", upstream.url.rstrip("/") + path, headers=headers, **payload
            ) as reply,
        ):
            content = await _capped(reply, upstream.max_reply_bytes)
    except TimeoutError as error:
        raise UpstreamUnavailable(
            f"the image backend did not answer within {upstream.timeout_s:g} s"
        ) from error
    except httpx.HTTPError as error:
        raise UpstreamUnavailable(
            f"the image backend could not be reached: {type(error).__name__}"
        ) from error
    out_headers = {k: v for k, v in reply.headers.items() if k.lower() not in _HOP_BY_HOP}
    out_headers[DECISION_HEADER] = f"{decision.action}; id={decision.decision_id}"
    if reply.headers.get("content-type", "").startswith("application/json"):
        try:
            parsed = json.loads(content)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            parsed["depiction"] = decision.model_dump(mode="json")
            content = json.dumps(parsed).encode()
    return Response(content, reply.status_code, headers=out_headers)


async def _capped(reply: httpx.Response, limit: int) -> bytes:
    """The reply's body (decompressed), read until `limit` bytes and no further."""
    chunks, size = [], 0
    async for chunk in reply.aiter_bytes():  # decoded: the cap bounds memory, not the wire
        size += len(chunk)
        if size > limit:
            raise UpstreamUnavailable(
                f"the image backend's reply is over {limit:,} bytes (max_upstream_reply_bytes)"
            )
        chunks.append(chunk)
    return b"".join(chunks)
