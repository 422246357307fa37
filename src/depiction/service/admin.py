"""Admin API (admin-scope key): register people, review opt-out requests, enrol their faces,
resolve appeals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from depiction.errors import RegistryError
from depiction.registry.appeals import AppealStore
from depiction.registry.faces import template_from_photo
from depiction.registry.store import OptoutStore
from depiction.service.bodies import parse_json
from depiction.service.portal import PHOTO_LIMIT


def admin_router(state: dict[str, Any], authorize: Callable[[Request, str], None]) -> APIRouter:
    """Routes over the stores the app opens at start-up (`state["optout"]`, `state["appeals"]`)."""
    router = APIRouter(prefix="/v1/admin", tags=["admin"])

    def optout() -> OptoutStore:
        store: OptoutStore = state["optout"]
        return store

    def appeals() -> AppealStore:
        store: AppealStore = state["appeals"]
        return store

    @router.post("/optout", summary="Register a person, active at once (409 if a name is taken)")
    async def add_optout(request: Request) -> JSONResponse:
        authorize(request, "admin")
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            body = None
        if not _is_entry(body):
            return _error(
                400, "invalid_request", 'send {"name": "...", "aliases": ["..."], "note": "..."}'
            )
        return await run_in_threadpool(
            _json,
            lambda: (
                optout()
                .add(body["name"], body.get("aliases", []), body.get("note", ""), actor="admin-api")
                .model_dump(mode="json")
            ),
            201,
        )

    @router.get("/optout", summary="Opt-out entries, by status")
    def list_optout(request: Request, status: str | None = None) -> JSONResponse:
        authorize(request, "admin")
        return _json(lambda: [p.model_dump(mode="json") for p in optout().entries(status)])

    @router.post(
        "/optout/{person_id}/faces",
        summary="Enrol a face: the body is the photo (one face); only its embedding is kept",
    )
    async def enroll_face(request: Request, person_id: int) -> JSONResponse:
        authorize(request, "admin")
        photo = bytearray()
        async for chunk in request.stream():
            photo += chunk
            if len(photo) > PHOTO_LIMIT:
                return _error(413, "payload_too_large", f"photo over {PHOTO_LIMIT:,} bytes")
        try:
            face = await run_in_threadpool(template_from_photo, bytes(photo))
        except RegistryError as error:
            return _error(400, "invalid_photo", str(error))
        return _json(
            lambda: optout().enroll_face(person_id, face, actor="admin-api").model_dump(mode="json")
        )

    @router.delete("/optout/{person_id}/faces/{face_id}", summary="Remove an enrolled face")
    def remove_face(request: Request, person_id: int, face_id: int) -> JSONResponse:
        authorize(request, "admin")
        return _json(
            lambda: (
                optout().remove_face(person_id, face_id, actor="admin-api").model_dump(mode="json")
            )
        )

    @router.post(
        "/optout/{person_id}/{action}", summary="verify, reject or revoke an opt-out entry"
    )
    def change_optout(request: Request, person_id: int, action: str) -> JSONResponse:
        authorize(request, "admin")
        store = optout()
        actions = {"verify": store.verify, "reject": store.reject, "revoke": store.revoke}
        if action not in actions:
            return _error(404, "not_found", f"unknown action '{action}' (verify, reject, revoke)")
        return _json(lambda: actions[action](person_id, actor="admin-api").model_dump(mode="json"))

    @router.get("/appeals", summary="Appeals, by status (open or resolved)")
    def list_appeals(request: Request, status: str | None = None) -> JSONResponse:
        authorize(request, "admin")
        return _json(lambda: [a.model_dump(mode="json") for a in appeals().entries(status)])

    @router.post("/appeals/{appeal_id}/resolve", summary="Uphold or overturn an appeal")
    async def resolve(request: Request, appeal_id: int) -> JSONResponse:
        authorize(request, "admin")
        outcome = parse_json(await request.body()).get("outcome", "")
        return _json(lambda: appeals().resolve(appeal_id, outcome).model_dump(mode="json"))

    @router.get("/appeals/export", summary="Resolved appeals as evaluation cases (JSONL)")
    def export(request: Request) -> Response:
        authorize(request, "admin")
        lines = "".join(
            json.dumps(case, ensure_ascii=False) + "\n" for case in appeals().as_cases()
        )
        return Response(lines, media_type="application/x-ndjson")

    return router


def _is_entry(body: Any) -> bool:
    """A new entry's JSON: a name, and optionally a list of aliases and a note (nothing else)."""
    return (
        isinstance(body, dict)
        and set(body) <= {"name", "aliases", "note"}
        and isinstance(body.get("name"), str)
        and isinstance(body.get("aliases", []), list)
        and all(isinstance(alias, str) for alias in body.get("aliases", []))
        and isinstance(body.get("note", ""), str)
    )


def _json(produce: Callable[[], Any], status: int = 200) -> JSONResponse:
    """Run a registry operation; unknown ids are 404, impossible changes (a name already
    registered) 409, bad input 400."""
    try:
        return JSONResponse(produce(), status)
    except RegistryError as error:
        message = str(error)
        if message.startswith(("no opt-out entry", "no appeal", "no face")):
            return _error(404, "not_found", message)
        if "cannot" in message or "already" in message:
            return _error(409, "conflict", message)
        return _error(400, "invalid_request", message)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status)
