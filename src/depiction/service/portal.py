"""The opt-out portal: a server-rendered page where anyone asks not to be depicted.

A submission becomes a `pending` entry for an admin to verify. The form is protected by a
double-submit CSRF token (a `Secure` cookie over HTTPS), submissions are rate-limited per
client address across every worker and replica (the count lives in the registry; forwarded
addresses count only from trusted proxies, see `trusted_proxies`), and the confirmation is
the same page whether or not the name was already registered (anything else would tell a
visitor who is in the registry). An optional
photo enrols the person's face with the request (it matches once the entry is verified);
the photo is embedded in memory and dropped: only the embedding and its digest are kept.
Every page is in the visitor's language (`portal_languages`: `?lang=`, else Accept-Language,
else English), and the form posts back with its language so the answer is in it too.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from depiction.errors import PhotoError, PhotoProblem, RegistryError, RegistryUnavailable
from depiction.images import DEFAULT_MAX_IMAGE_PIXELS
from depiction.registry.faces import FaceTemplate, template_from_photo
from depiction.registry.store import OptoutStore
from depiction.service.portal_languages import MessageKey, PortalText, portal_languages
from depiction.vision import identity

logger = logging.getLogger(__name__)
CSRF_COOKIE = "depiction_csrf"
LIMITS = {"name": 200, "aliases": 2000, "contact": 320, "statement": 4000}
PHOTO_LIMIT = 10 * 1024 * 1024
_TOO_LONG: dict[str, MessageKey] = {
    "name": "name_too_long",
    "aliases": "aliases_too_long",
    "contact": "contact_too_long",
    "statement": "statement_too_long",
}
_PHOTO_PROBLEMS: dict[PhotoProblem, MessageKey] = {
    "unavailable": "photo_unavailable",
    "unreadable": "photo_unreadable",
    "no_face": "photo_no_face",
    "several_faces": "photo_several_faces",
    "too_large": "photo_too_large",
}


def portal_router(state: dict[str, Any]) -> APIRouter:
    """Routes over what the app opens at start-up: the opt-out store (`state["optout"]`), the
    shared submission limit (`state["portal_limit"]`) and the fault record (`state["faults"]`).
    The texts are read and checked here, so a missing translation stops the start."""
    languages = portal_languages()
    router = APIRouter(tags=["opt-out portal"])

    def text_for(request: Request) -> PortalText:
        return languages.choose(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )

    @router.get("/optout", response_class=HTMLResponse, summary="The opt-out request form")
    def form(request: Request) -> HTMLResponse:
        text = text_for(request)
        token = secrets.token_urlsafe(32)
        switcher = " · ".join(
            f"<a href='/optout?lang={other.lang}' hreflang='{other.lang}' lang='{other.lang}'"
            f"{_direction(other)}{_CURRENT if other is text else ''}>"
            f"{other('language_name')}</a>"
            for other in languages.texts.values()
        )
        page = _page(
            text, 200, _form(text, token), f"<nav aria-label='{text('languages')}'>{switcher}</nav>"
        )
        secure = request.url.scheme == "https"
        page.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure)
        return page

    @router.post("/optout", response_class=HTMLResponse, summary="Submit an opt-out request")
    async def submit(request: Request) -> HTMLResponse:
        text = text_for(request)
        try:
            return await _submitted(request, text)
        except (SQLAlchemyError, RegistryUnavailable) as error:
            state["faults"].record("registry", str(getattr(error, "orig", error)))
            body = f"<h1>{text('not_saved_title')}</h1><p>{text('not_saved_body')}</p>"
            return _page(text, 503, body)

    async def _submitted(request: Request, text: PortalText) -> HTMLResponse:
        client = request.client.host if request.client else "unknown"
        fields = await request.form()
        token = str(fields.get("csrf_token", ""))
        if not hmac.compare_digest(token, request.cookies.get(CSRF_COOKIE, "")) or not token:
            body = (
                f"<h1>{text('expired_title')}</h1><p>{text('expired_body')}</p>"
                f"<p><a href='/optout?lang={text.lang}'>{text('reload')}</a></p>"
            )
            return _page(text, 403, body)
        if not await run_in_threadpool(state["portal_limit"].allow, client):
            return _page(text, 429, f"<h1>{text('too_many_title')}</h1><p>{text('try_later')}</p>")
        values = {name: str(fields.get(name, "")).strip() for name in LIMITS}
        problems = [
            text(_TOO_LONG[name], limit=limit)
            for name, limit in LIMITS.items()
            if len(values[name]) > limit
        ]
        if not values["name"]:
            problems.append(text("name_required"))
        if not values["contact"]:
            problems.append(text("contact_required"))
        faces: list[FaceTemplate] = []
        if not problems:
            try:
                faces = await _face(fields)
            except PhotoError as error:
                problems.append(_photo_problem(text, error))
        if problems:
            listed = "".join(f"<li>{problem}</li>" for problem in problems)
            body = (
                f"<h1>{text('check_title')}</h1><ul>{listed}</ul>"
                f"<p><a href='/optout?lang={text.lang}'>{text('back')}</a></p>"
            )
            return _page(text, 400, body)
        aliases = [a.strip() for a in values["aliases"].replace("\n", ",").split(",") if a.strip()]
        try:
            store: OptoutStore = state["optout"]
            await run_in_threadpool(
                partial(store.add, values["name"], aliases[:20], values["statement"]),
                actor=f"portal:{client}", status="pending", contact=values["contact"], faces=faces,
            )  # fmt: skip
        except RegistryError as error:  # already registered: answered like a new name
            logger.info("portal submission not stored: %s", error)
        body = f"<h1 id='confirmation'>{text('received_title')}</h1><p>{text('received_body')}</p>"
        return _page(text, 200, body)

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
        raise PhotoError(f"the photo is over {PHOTO_LIMIT // (1024 * 1024)} MB", "too_large")
    return [await run_in_threadpool(template_from_photo, data)]


def _photo_problem(text: PortalText, error: PhotoError) -> str:
    """What is wrong with the photo, in the visitor's language (the error's own message is in
    English, for operators); each message uses the values it needs of these."""
    return text(
        _PHOTO_PROBLEMS[error.problem],
        megabytes=PHOTO_LIMIT // (1024 * 1024),
        megapixels=DEFAULT_MAX_IMAGE_PIXELS // 1_000_000,
        pixels=round(identity.MIN_FACE_SIZE),
        faces=error.faces,
    )


_CURRENT = " aria-current='page'"


def _direction(text: PortalText) -> str:
    return " dir='rtl'" if text.rtl else ""


def _page(text: PortalText, status: int, body: str, navigation: str = "") -> HTMLResponse:
    """A whole page in `text`'s language; it depends on Accept-Language, so caches must key
    on it (`Vary`)."""
    page = (
        f"<!doctype html><html lang='{text.lang}'{_direction(text)}><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{text('title')}</title><style>{_CSS}</style></head>"
        f"<body>{navigation}{body}</body></html>"
    )
    headers = {"content-language": text.lang, "vary": "accept-language"}
    return HTMLResponse(page, status, headers=headers)


def _form(text: PortalText, token: str) -> str:
    """The request form; its action keeps the language, so the answer to it is in it too."""
    photo = (
        ""
        if identity.unavailable()
        else f"""<label>{text("label_photo")}
    <input type="file" name="photo" accept="image/jpeg,image/png,image/webp"></label>"""
    )
    return f"""
<h1>{text("title")}</h1>
<p>{text("intro")}</p>
<form method="post" action="/optout?lang={text.lang}" enctype="multipart/form-data">
  <input type="hidden" name="csrf_token" value="{token}">
  <label>{text("label_name")} <input name="name" required maxlength="{LIMITS["name"]}"></label>
  <label>{text("label_aliases")}
    <textarea name="aliases" rows="2" maxlength="{LIMITS["aliases"]}"></textarea></label>
  <label>{text("label_contact")}
    <input name="contact" required maxlength="{LIMITS["contact"]}"></label>
  <label>{text("label_statement")}
    <textarea name="statement" rows="4" maxlength="{LIMITS["statement"]}"></textarea></label>
  {photo}
  <button type="submit">{text("submit")}</button>
</form>
"""


_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
nav{font-size:.9rem}nav a[aria-current]{font-weight:bold;text-decoration:none;color:inherit}
label{display:block;margin:1rem 0}input,textarea{display:block;width:100%;padding:.4rem;font:inherit}
button{padding:.5rem 1.2rem;font:inherit}
"""
