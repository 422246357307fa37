"""The opt-out portal: a server-rendered page where anyone asks not to be depicted.

A submission becomes a `pending` entry for an admin to verify. The form is protected by a
double-submit CSRF token (a `Secure` cookie over HTTPS), submissions are rate-limited per
client address across every worker and replica (the count lives in the registry; forwarded
addresses count only from trusted proxies, see `trusted_proxies`), and the confirmation is
the same page whether or not the name was already registered (anything else would tell a
visitor who is in the registry). An optional
photo enrols the person's face with the request (it matches once the entry is verified);
the photo is embedded in memory and dropped: only the embedding and its digest are kept.
"""

from __future__ import annotations

import hmac
import html
import logging
import secrets
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from depiction.errors import RegistryError, RegistryUnavailable
from depiction.registry.faces import FaceTemplate, template_from_photo
from depiction.registry.store import OptoutStore
from depiction.vision import identity

logger = logging.getLogger(__name__)
CSRF_COOKIE = "depiction_csrf"
LIMITS = {"name": 200, "aliases": 2000, "contact": 320, "statement": 4000}
PHOTO_LIMIT = 10 * 1024 * 1024


def portal_router(state: dict[str, Any]) -> APIRouter:
    """Routes over what the app opens at start-up: the opt-out store (`state["optout"]`), the
    shared submission limit (`state["portal_limit"]`) and the fault record (`state["faults"]`)."""
    router = APIRouter(tags=["opt-out portal"])

    @router.get("/optout", response_class=HTMLResponse, summary="The opt-out request form")
    def form(request: Request) -> HTMLResponse:
        token = secrets.token_urlsafe(32)
        photo = "" if identity.unavailable() else _PHOTO_FIELD
        page = HTMLResponse(_page(_FORM.format(token=token, photo=photo)))
        secure = request.url.scheme == "https"
        page.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure)
        return page

    @router.post("/optout", response_class=HTMLResponse, summary="Submit an opt-out request")
    async def submit(request: Request) -> HTMLResponse:
        try:
            return await _submitted(request)
        except (SQLAlchemyError, RegistryUnavailable) as error:
            state["faults"].record("registry", str(getattr(error, "orig", error)))
            return HTMLResponse(
                _page(
                    "<h1>Not saved</h1><p>We could not store your request just now. "
                    "Please try again later.</p>"
                ),
                503,
            )

    async def _submitted(request: Request) -> HTMLResponse:
        client = request.client.host if request.client else "unknown"
        fields = await request.form()
        token = str(fields.get("csrf_token", ""))
        if not hmac.compare_digest(token, request.cookies.get(CSRF_COOKIE, "")) or not token:
            return HTMLResponse(
                _page("<h1>Expired form</h1><p>Please <a href='/optout'>reload the form</a>.</p>"),
                403,
            )
        if not await run_in_threadpool(state["portal_limit"].allow, client):
            return HTMLResponse(
                _page("<h1>Too many requests</h1><p>Please try again later.</p>"), 429
            )
        values = {name: str(fields.get(name, "")).strip() for name in LIMITS}
        problems = [
            f"{name} is too long" for name, limit in LIMITS.items() if len(values[name]) > limit
        ]
        if not values["name"]:
            problems.append("your name is required")
        if not values["contact"]:
            problems.append("a contact address is required, so we can verify the request")
        faces: list[FaceTemplate] = []
        if not problems:
            try:
                faces = await _face(fields)
            except RegistryError as error:
                problems.append(str(error))
        if problems:
            listed = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            return HTMLResponse(
                _page(
                    f"<h1>Please check the form</h1><ul>{listed}</ul><p><a href='/optout'>Back</a></p>"
                ),
                400,
            )
        aliases = [a.strip() for a in values["aliases"].replace("\n", ",").split(",") if a.strip()]
        try:
            store: OptoutStore = state["optout"]
            await run_in_threadpool(
                partial(store.add, values["name"], aliases[:20], values["statement"]),
                actor=f"portal:{client}", status="pending", contact=values["contact"], faces=faces,
            )  # fmt: skip
        except RegistryError as error:  # already registered: answered like a new name
            logger.info("portal submission not stored: %s", error)
        return HTMLResponse(
            _page(
                "<h1 id='confirmation'>Request received</h1>"
                "<p>Thank you. We will verify your request and contact you.</p>"
            )
        )

    return router


async def _face(fields: FormData) -> list[FaceTemplate]:
    """The face in the uploaded photo, if one was sent (embedded off the event loop)."""
    photo = fields.get("photo")
    if not isinstance(photo, UploadFile):
        return []
    data = await photo.read(PHOTO_LIMIT + 1)
    if not data:
        return []
    if len(data) > PHOTO_LIMIT:
        raise RegistryError(f"the photo is over {PHOTO_LIMIT // (1024 * 1024)} MB")
    return [await run_in_threadpool(template_from_photo, data)]


def _page(body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>Ask not to be depicted</title><style>{_CSS}</style></head><body>{body}</body></html>"
    )


_FORM = """
<h1>Ask not to be depicted</h1>
<p>Anyone may ask that images of them are not generated. After we verify the request, prompts
naming you — under any of your names — are refused.</p>
<form method="post" action="/optout" enctype="multipart/form-data">
  <input type="hidden" name="csrf_token" value="{token}">
  <label>Your name <input name="name" required maxlength="200"></label>
  <label>Other names you are known by (comma-separated, any script)
    <textarea name="aliases" rows="2" maxlength="2000"></textarea></label>
  <label>How to reach you (email or phone) <input name="contact" required maxlength="320"></label>
  <label>Anything we should know <textarea name="statement" rows="4" maxlength="4000"></textarea></label>
  {photo}
  <button type="submit">Send request</button>
</form>
"""
_PHOTO_FIELD = """<label>A photo of your face, alone (optional): edits of photos showing you are then
    refused too. We keep a numeric fingerprint of the face, never the photo.
    <input type="file" name="photo" accept="image/jpeg,image/png,image/webp"></label>"""
_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
label{display:block;margin:1rem 0}input,textarea{display:block;width:100%;padding:.4rem;font:inherit}
button{padding:.5rem 1.2rem;font:inherit}
"""
