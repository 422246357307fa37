"""The FastAPI application: checks, the OpenAI-compatible gateway, appeals, the admin API and
opt-out portal (their own modules), health, readiness and metrics.

Every error is a JSON body `{"error": {"code", "message"}}` with a stable code and a 4xx
status (5xx only for a fault of the service itself); no traceback ever reaches a client.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from depiction.decision import Decision
from depiction.engine import Engine
from depiction.errors import ImageError, RegistryError, RegistryUnavailable, RequestError
from depiction.policy import default_policy_path
from depiction.registry.appeals import AppealStore
from depiction.registry.ratelimit import SharedRateLimiter
from depiction.registry.store import OptoutStore
from depiction.service import gateway, inputs, moderations
from depiction.service.admin import admin_router
from depiction.service.auth import Authenticator
from depiction.service.bodies import BodyLimit
from depiction.service.config import ServiceConfig
from depiction.service.decision_log import DecisionLog
from depiction.service.errors import ApiError
from depiction.service.faults import WINDOW_S, Faults
from depiction.service.metrics import ServiceMetrics
from depiction.service.portal import portal_router
from depiction.service.recent import RecentDecisions, Remembered
from depiction.service.schemas import (
    ERRORS,
    AppealReceipt,
    AppealRequest,
    CheckRequest,
    CheckResponse,
    ErrorBody,
    ModerationRequest,
    ModerationResponse,
    Readiness,
    request_body,
)

logger = logging.getLogger(__name__)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """Build the app; the engine loads once, when the app starts."""
    settings = config or ServiceConfig.from_env()
    metrics = ServiceMetrics()
    faults = Faults(metrics)
    state: dict[str, Any] = {"faults": faults}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state["engine"] = await run_in_threadpool(
            Engine.from_policy,
            settings.policy or default_policy_path(),
            database_url=settings.database_url,
            max_prompt_chars=settings.max_prompt_chars,
        )
        if settings.decision_log:
            state["log"] = DecisionLog(
                settings.decision_log,
                log_prompts=settings.log_prompts,
                on_failure=lambda message: faults.record("decision_log", message),
                max_bytes=settings.decision_log_max_bytes,
                backups=settings.decision_log_backups,
            )
        state["auth"] = await run_in_threadpool(
            Authenticator, settings.database_url, settings.require_keys
        )
        state["appeals"] = await run_in_threadpool(AppealStore, settings.database_url)
        state["optout"] = await run_in_threadpool(OptoutStore, settings.database_url)
        state["portal_limit"] = await run_in_threadpool(
            SharedRateLimiter, settings.portal_submissions_per_hour, 3600, settings.database_url
        )
        async with httpx.AsyncClient(timeout=settings.upstream_timeout_s) as client:
            state["upstream"] = client
            yield

    app = FastAPIOffline(  # /docs and /redoc with their assets from the package, no CDN
        title="depiction",
        summary="Precise, harm-focused decisions for image-generation requests.",
        lifespan=lifespan,
    )

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, error: ApiError) -> JSONResponse:
        metrics.errors.labels(error.code).inc()
        return JSONResponse({"error": {"code": error.code, "message": error.message}}, error.status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        """Starlette's own errors (unknown path, wrong method) in the one error shape."""
        code = _HTTP_CODES.get(error.status_code, "invalid_request")
        reply = await api_error(request, ApiError(error.status_code, code, str(error.detail)))
        reply.headers.update(error.headers or {})
        return reply

    @app.exception_handler(RequestValidationError)
    async def invalid_parameter(request: Request, error: RequestValidationError) -> JSONResponse:
        """FastAPI's parameter validation (e.g. a path id that is not a number), as a 400."""
        first = error.errors()[0]
        where = " ".join(str(part) for part in first["loc"])
        message = f"{where}: {first['msg']}"
        return await api_error(request, ApiError(400, "invalid_request", message))

    @app.exception_handler(RegistryUnavailable)
    async def registry_unavailable(request: Request, error: RegistryUnavailable) -> JSONResponse:
        """The registry is gone or unreachable: nothing is written anywhere else (503)."""
        return await api_error(request, ApiError(503, "database_unavailable", str(error)))

    @app.exception_handler(SQLAlchemyError)
    async def registry_fault(request: Request, error: SQLAlchemyError) -> JSONResponse:
        """A registry read or write failed (a full disk, a lost connection): nothing was
        stored; the client may retry elsewhere (503), and /readyz reports it."""
        faults.record("registry", str(getattr(error, "orig", error)))
        message = "the registry could not complete this request; nothing was stored"
        return await api_error(request, ApiError(503, "database_unavailable", message))

    def authorize(request: Request, scope: str) -> None:
        state["auth"].check(request, scope)

    recent = RecentDecisions()
    upstream = _upstream(settings)
    app.include_router(admin_router(state, authorize))
    app.include_router(portal_router(state))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error")
        metrics.errors.labels("internal_error").inc()
        message = "the service failed to handle this request; it was not checked"
        return JSONResponse({"error": {"code": "internal_error", "message": message}}, 500)

    async def decide(prompt: Any, mode: str, images: list[bytes]) -> Decision:
        """Check one request; count it, log it, and remember it for appeals."""
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
        metrics.latency.observe(decision.latency_ms / 1000)
        for category in decision.categories or ["none"]:
            metrics.decisions.labels(decision.action, category).inc()
        if any(hit.id == "system.detector_error" for hit in decision.rules):
            metrics.detector_errors.inc()
        if "log" in state:
            state["log"].write(built, decision)
        recent.remember(
            decision.decision_id,
            Remembered(built.prompt, built.mode, decision.action, decision.categories),
        )
        return decision

    @app.post(
        "/v1/check",
        summary="Decide on one request",
        response_model=CheckResponse,
        responses=ERRORS,
        openapi_extra=request_body(CheckRequest, multipart=True),
    )
    async def check(request: Request) -> JSONResponse:
        authorize(request, "check")
        given = await inputs.read_check(request, settings)
        decision = await decide(given.prompt, given.mode, given.images)
        return JSONResponse(decision.model_dump(mode="json"))

    @app.post(
        "/v1/moderations",
        summary="OpenAI-compatible moderation: one check per input",
        response_model=ModerationResponse,
        responses=ERRORS,
        openapi_extra=request_body(ModerationRequest),
    )
    async def moderations_endpoint(request: Request) -> JSONResponse:
        authorize(request, "check")
        given = await moderations.read_moderation(request, settings)
        decided = [await decide(item.prompt, item.mode, item.images) for item in given]
        return JSONResponse(moderations.moderation(decided, given, state["engine"].policy))

    @app.post("/v1/images/generations", summary="OpenAI-compatible image generation, checked")
    async def generations(request: Request) -> Response:
        authorize(request, "gateway")
        body = await inputs.read_generation(request)
        decision = await decide(body.get("prompt", ""), "generate", [])
        if decision.action == "refuse":
            return gateway.refusal(decision)
        sending = gateway.forward_json(
            state["upstream"],
            upstream,
            "/images/generations",
            request,
            body,
            decision,
        )
        return await _forwarded(sending, metrics, "generations")

    @app.post(
        "/v1/images/edits", summary="OpenAI-compatible image edit, checked with its input images"
    )
    async def edits(request: Request) -> Response:
        authorize(request, "gateway")
        edit = await inputs.read_edit(request, settings)
        images = [part.data for part in edit.files]
        decision = await decide(edit.prompt, "edit", images)
        if decision.action == "refuse":
            return gateway.refusal(decision)
        sending = gateway.forward_form(
            state["upstream"],
            upstream,
            "/images/edits",
            request,
            edit.prompt,
            edit.options,
            edit.files,
            decision,
        )
        return await _forwarded(sending, metrics, "edits")

    @app.post(
        "/v1/appeals",
        summary="Appeal a decision (by decision_id, with a reason)",
        status_code=201,
        response_model=AppealReceipt,
        responses={**ERRORS, 404: {"model": ErrorBody, "description": "unknown decision"}},
        openapi_extra=request_body(AppealRequest),
    )
    async def appeal(request: Request) -> JSONResponse:
        authorize(request, "check")
        body = await inputs.read_appeal(request)
        known = recent.get(body.decision_id)
        if known is None and body.prompt is None:
            raise ApiError(
                404, "unknown_decision", "decision not found here; include its prompt and action"
            )
        if known is None:
            known = Remembered(body.prompt or "", body.mode, body.action, [])
        try:
            filed = await run_in_threadpool(
                state["appeals"].file,
                body.decision_id,
                known.prompt,
                known.mode,
                known.action,
                known.categories,
                body.reason,
            )
        except RegistryError as error:
            raise ApiError(400, "invalid_request", str(error)) from error
        return JSONResponse({"appeal_id": filed.id, "status": filed.status}, 201)

    @app.get("/healthz", summary="The process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        summary="Policy loaded, registry reachable, no recent write failure",
        response_model=Readiness,
        responses={503: {"model": ErrorBody, "description": "not ready, and why"}},
    )
    async def readyz() -> JSONResponse:
        engine: Engine | None = state.get("engine")
        if engine is None:
            raise ApiError(503, "not_ready", "the policy is still loading")
        await run_in_threadpool(state["optout"].ping)  # RegistryUnavailable: 503
        failing = faults.recent()
        if failing:
            listed = "; ".join(f"{component}: {message}" for component, message in failing.items())
            raise ApiError(
                503, "not_ready", f"writes failed in the last {WINDOW_S:.0f} s: {listed}"
            )
        policy = engine.policy
        return JSONResponse(
            {
                "status": "ready",
                "policy": {"name": policy.name, "version": policy.version, "sha256": policy.sha256},
            }
        )

    @app.get("/metrics", summary="Prometheus metrics")
    async def metrics_endpoint() -> PlainTextResponse:
        return PlainTextResponse(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return app


_HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


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


def _upstream(settings: ServiceConfig) -> gateway.Upstream | None:
    if not settings.upstream_url:
        return None
    return gateway.Upstream(
        settings.upstream_url,
        settings.upstream_api_key,
        pass_client_auth=not settings.require_keys,
        timeout_s=settings.upstream_timeout_s,
        max_reply_bytes=settings.max_upstream_reply_bytes,
    )


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and `depiction serve` (settings from the environment)."""
    return create_app(ServiceConfig.from_env())
