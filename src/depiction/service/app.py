"""The FastAPI application: checks, the OpenAI-compatible gateway, appeals, the admin API and
opt-out portal (their own modules), health, readiness and metrics.

Every error is a JSON body `{"error": {"code", "message"}}` with a stable code and a 4xx
status (5xx only for a fault of the service itself); no traceback ever reaches a client.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from depiction.decision import Decision
from depiction.engine import Engine
from depiction.errors import ImageError, RegistryError, RegistryUnavailable, RequestError
from depiction.policy import default_policy_path
from depiction.registry.appeals import AppealStore
from depiction.registry.store import OptoutStore
from depiction.service import gateway
from depiction.service.admin import admin_router
from depiction.service.auth import Authenticator
from depiction.service.config import ServiceConfig
from depiction.service.decision_log import DecisionLog
from depiction.service.errors import ApiError
from depiction.service.metrics import ServiceMetrics
from depiction.service.portal import RateLimiter, portal_router
from depiction.service.recent import RecentDecisions, Remembered

logger = logging.getLogger(__name__)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """Build the app; the engine loads once, when the app starts."""
    settings = config or ServiceConfig.from_env()
    metrics = ServiceMetrics()
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state["engine"] = await run_in_threadpool(
            Engine.from_policy,
            settings.policy or default_policy_path(),
            database_url=settings.database_url,
            max_prompt_chars=settings.max_prompt_chars,
        )
        if settings.decision_log:
            state["log"] = DecisionLog(settings.decision_log, log_prompts=settings.log_prompts)
        state["auth"] = await run_in_threadpool(
            Authenticator, settings.database_url, settings.require_keys
        )
        state["appeals"] = await run_in_threadpool(AppealStore, settings.database_url)
        state["optout"] = await run_in_threadpool(OptoutStore, settings.database_url)
        async with httpx.AsyncClient(timeout=settings.upstream_timeout_s) as client:
            state["upstream"] = client
            yield

    app = FastAPI(
        title="depiction",
        summary="Precise, harm-focused decisions for image-generation requests.",
        lifespan=lifespan,
    )

    @app.exception_handler(ApiError)
    async def api_error(_: Request, error: ApiError) -> JSONResponse:
        metrics.errors.labels(error.code).inc()
        return JSONResponse({"error": {"code": error.code, "message": error.message}}, error.status)

    @app.exception_handler(RegistryUnavailable)
    async def registry_unavailable(request: Request, error: RegistryUnavailable) -> JSONResponse:
        """The registry is gone or unreachable: nothing is written anywhere else (503)."""
        return await api_error(request, ApiError(503, "database_unavailable", str(error)))

    def authorize(request: Request, scope: str) -> None:
        state["auth"].check(request, scope)

    recent = RecentDecisions()
    upstream = _upstream(settings)
    app.include_router(admin_router(state, authorize))
    app.include_router(
        portal_router(state, RateLimiter(settings.portal_submissions_per_hour, 3600))
    )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error")
        metrics.errors.labels("internal_error").inc()
        message = "the service failed to handle this request; it was not checked"
        return JSONResponse({"error": {"code": "internal_error", "message": message}}, 500)

    async def decide(prompt: Any, mode: str, images: list[bytes]) -> tuple[Decision, str]:
        """Check one request; count it, log it, and give it an id."""
        engine: Engine = state["engine"]
        try:
            built = engine.build_request(prompt, mode, images)
            if built.images:
                # Image models take tens of milliseconds (and release the GIL): in a thread,
                # so text-only checks on the same worker are not held up behind them.
                decision = await run_in_threadpool(engine.check_request, built)
            else:
                # A text check is ~1 ms of CPU: done inline, it costs less than a thread
                # hand-off and keeps tail latency low (benchmarks/bench_service.py).
                decision = engine.check_request(built)
        except ImageError as error:
            raise ApiError(400, "invalid_image", str(error)) from error
        except RequestError as error:
            raise ApiError(400, "invalid_request", str(error)) from error
        decision_id = uuid.uuid4().hex
        metrics.latency.observe(decision.latency_ms / 1000)
        for category in decision.categories or ["none"]:
            metrics.decisions.labels(decision.action, category).inc()
        if any(hit.id == "system.detector_error" for hit in decision.rules):
            metrics.detector_errors.inc()
        if "log" in state:
            state["log"].write(decision_id, built, decision)
        recent.remember(
            decision_id, Remembered(built.prompt, built.mode, decision.action, decision.categories)
        )
        return decision, decision_id

    @app.post("/v1/check", summary="Decide on one request")
    async def check(request: Request) -> JSONResponse:
        authorize(request, "check")
        prompt, mode, images = await _read_check_request(request, settings)
        decision, decision_id = await decide(prompt, mode, images)
        return JSONResponse({**decision.model_dump(mode="json"), "decision_id": decision_id})

    @app.post("/v1/images/generations", summary="OpenAI-compatible image generation, checked")
    async def generations(request: Request) -> Response:
        authorize(request, "gateway")
        body = await _read_json(request, settings)
        decision, decision_id = await decide(body.get("prompt", ""), "generate", [])
        if decision.action == "refuse":
            return gateway.refusal(decision, decision_id)
        sending = gateway.forward_json(
            state["upstream"],
            upstream,
            "/images/generations",
            request,
            body,
            decision,
            decision_id,
        )
        return await _forwarded(sending, metrics, "generations")

    @app.post(
        "/v1/images/edits", summary="OpenAI-compatible image edit, checked with its input images"
    )
    async def edits(request: Request) -> Response:
        authorize(request, "gateway")
        form = await _read_form(request, settings)
        uploads = [
            v
            for k, v in form.multi_items()
            if k in ("image", "image[]") and isinstance(v, UploadFile)
        ]
        images = await _read_uploads(uploads, settings)
        decision, decision_id = await decide(str(form.get("prompt", "")), "edit", images)
        if decision.action == "refuse":
            return gateway.refusal(decision, decision_id)
        sending = gateway.forward_form(
            state["upstream"],
            upstream,
            "/images/edits",
            request,
            form,
            decision,
            decision_id,
        )
        return await _forwarded(sending, metrics, "edits")

    @app.post("/v1/appeals", summary="Appeal a decision (by decision_id, with a reason)")
    async def appeal(request: Request) -> JSONResponse:
        authorize(request, "check")
        body = await _read_json(request, settings)
        decision_id, reason = str(body.get("decision_id", "")), str(body.get("reason", ""))
        known = recent.get(decision_id)
        if known is None and not isinstance(body.get("prompt"), str):
            raise ApiError(
                404, "unknown_decision", "decision not found here; include its prompt and action"
            )
        if known is None:
            known = Remembered(
                body["prompt"],
                str(body.get("mode", "generate")),
                str(body.get("action", "refuse")),
                [],
            )
        try:
            filed = await run_in_threadpool(
                state["appeals"].file,
                decision_id,
                known.prompt,
                known.mode,
                known.action,
                known.categories,
                reason,
            )
        except RegistryError as error:
            raise ApiError(400, "invalid_request", str(error)) from error
        return JSONResponse({"appeal_id": filed.id, "status": filed.status}, 201)

    @app.get("/healthz", summary="The process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="Policy loaded and registry database reachable")
    async def readyz() -> JSONResponse:
        engine: Engine | None = state.get("engine")
        if engine is None:
            raise ApiError(503, "not_ready", "the policy is still loading")
        await run_in_threadpool(state["optout"].ping)  # RegistryUnavailable: 503
        policy = engine.policy
        return JSONResponse(
            {
                "status": "ready",
                "policy": {"name": policy.name, "version": policy.version, "sha256": policy.sha256},
            }
        )

    @app.get("/metrics", summary="Prometheus metrics")
    async def metrics_endpoint() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app


async def _forwarded(
    sending: Awaitable[Response], metrics: ServiceMetrics, endpoint: str
) -> Response:
    started = time.perf_counter()
    try:
        return await sending
    except gateway.UpstreamUnavailable as error:
        raise ApiError(503, "upstream_unavailable", str(error)) from error
    finally:
        metrics.upstream_latency.labels(endpoint).observe(time.perf_counter() - started)


async def _read_check_request(
    request: Request, settings: ServiceConfig
) -> tuple[Any, str, list[bytes]]:
    """(prompt, mode, images) from a JSON or multipart body, within the size limits."""
    if _content_type(request, settings) == "application/json":
        data = await _read_json(request, settings)
        raw_images = data.get("images") or []
        if not isinstance(raw_images, list) or not all(isinstance(i, str) for i in raw_images):
            raise ApiError(
                400, "invalid_request", "images must be a list of base64 strings or data URLs"
            )
        images = [_decode_image(item, settings) for item in raw_images]
        return data.get("prompt", ""), str(data.get("mode", "generate")), images
    form = await _read_form(request, settings)
    uploads = [item for item in form.getlist("images") if isinstance(item, UploadFile)]
    images = await _read_uploads(uploads, settings)
    return str(form.get("prompt", "")), str(form.get("mode", "generate")), images


def _content_type(request: Request, settings: ServiceConfig) -> str:
    """The body's media type, after refusing bodies over the size limit."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise ApiError(
            413, "payload_too_large", f"request body over {settings.max_body_bytes:,} bytes"
        )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/json", "multipart/form-data"):
        raise ApiError(
            415, "unsupported_media_type", "send application/json or multipart/form-data"
        )
    return content_type


async def _read_json(request: Request, settings: ServiceConfig) -> dict[str, Any]:
    if _content_type(request, settings) != "application/json":
        raise ApiError(415, "unsupported_media_type", "this endpoint takes application/json")
    body = await request.body()
    if len(body) > settings.max_body_bytes:
        raise ApiError(
            413, "payload_too_large", f"request body over {settings.max_body_bytes:,} bytes"
        )
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ApiError(400, "invalid_utf8", "request body is not valid UTF-8") from error
    except json.JSONDecodeError as error:
        raise ApiError(
            400, "invalid_json", f"request body is not valid JSON: {error.msg}"
        ) from error
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_request", "request body must be a JSON object")
    return data


async def _read_form(request: Request, settings: ServiceConfig) -> Any:
    if _content_type(request, settings) != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "this endpoint takes multipart/form-data")
    return await request.form()


async def _read_uploads(uploads: list[UploadFile], settings: ServiceConfig) -> list[bytes]:
    images = [await upload.read() for upload in uploads]
    if any(len(image) > settings.max_image_bytes for image in images):
        raise ApiError(
            413, "image_too_large", f"an image is over {settings.max_image_bytes:,} bytes"
        )
    return images


def _upstream(settings: ServiceConfig) -> gateway.Upstream | None:
    if not settings.upstream_url:
        return None
    return gateway.Upstream(
        settings.upstream_url, settings.upstream_api_key, not settings.require_keys
    )


def _decode_image(item: str, settings: ServiceConfig) -> bytes:
    payload = item.split(",", 1)[1] if item.startswith("data:") else item
    try:
        image = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ApiError(
            400, "invalid_image", "an image is neither base64 nor a base64 data URL"
        ) from error
    if len(image) > settings.max_image_bytes:
        raise ApiError(
            413, "image_too_large", f"an image is over {settings.max_image_bytes:,} bytes"
        )
    return image


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and `depiction serve` (settings from the environment)."""
    return create_app(ServiceConfig.from_env())
