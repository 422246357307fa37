"""A typed Python client for a depiction service, sync (`Client`) and async (`AsyncClient`),
on httpx. Replies are parsed into the models the service documents
(`depiction.service.schemas`); an error reply raises `ServiceError` with its stable code.

    from depiction.client import Client
    with Client("http://127.0.0.1:8000", api_key="dpk_...") as depiction:
        decision = depiction.check("a watercolor fox")
        decision.action, decision.decision_id
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from depiction.errors import DepictionError
from depiction.request import Mode
from depiction.service.schemas import (
    AppealReceipt,
    CheckResponse,
    ErrorBody,
    ModerationResponse,
    Readiness,
)

DEFAULT_URL = "http://127.0.0.1:8000"
Model = TypeVar("Model", bound=BaseModel)


class ServiceError(DepictionError):
    """The service answered with an error: its HTTP status, code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class Client:
    """Blocking calls to one service; close it (or use `with`) to release its connections."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        api_key: str | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url, headers=_headers(api_key), timeout=timeout, transport=transport
        )

    def check(
        self, prompt: str, *, mode: Mode = "generate", images: Sequence[bytes] = ()
    ) -> CheckResponse:
        """Decide on one request (images are the input images of an edit)."""
        reply = self._http.post("/v1/check", json=_check_body(prompt, mode, images))
        return _parsed(reply, CheckResponse)

    def moderate(self, input: str | list[str]) -> ModerationResponse:
        """OpenAI-shaped moderation: one result per string."""
        return _parsed(
            self._http.post("/v1/moderations", json={"input": input}), ModerationResponse
        )

    def appeal(self, decision_id: str, reason: str) -> AppealReceipt:
        """Contest a decision the service made (it remembers its last 10,000)."""
        body = {"decision_id": decision_id, "reason": reason}
        return _parsed(self._http.post("/v1/appeals", json=body), AppealReceipt)

    def ready(self) -> Readiness:
        """The policy serving, or `ServiceError` (503 `not_ready`) saying what is wrong."""
        return _parsed(self._http.get("/readyz"), Readiness)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient:
    """The same calls for asyncio code (a gateway, a web app)."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        api_key: str | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url, headers=_headers(api_key), timeout=timeout, transport=transport
        )

    async def check(
        self, prompt: str, *, mode: Mode = "generate", images: Sequence[bytes] = ()
    ) -> CheckResponse:
        reply = await self._http.post("/v1/check", json=_check_body(prompt, mode, images))
        return _parsed(reply, CheckResponse)

    async def moderate(self, input: str | list[str]) -> ModerationResponse:
        reply = await self._http.post("/v1/moderations", json={"input": input})
        return _parsed(reply, ModerationResponse)

    async def appeal(self, decision_id: str, reason: str) -> AppealReceipt:
        body = {"decision_id": decision_id, "reason": reason}
        return _parsed(await self._http.post("/v1/appeals", json=body), AppealReceipt)

    async def ready(self) -> Readiness:
        return _parsed(await self._http.get("/readyz"), Readiness)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _headers(api_key: str | None) -> dict[str, str]:
    return {"authorization": f"Bearer {api_key}"} if api_key else {}


def _check_body(prompt: str, mode: Mode, images: Sequence[bytes]) -> dict[str, Any]:
    return {
        "prompt": prompt,
        "mode": mode,
        "images": [base64.b64encode(image).decode() for image in images],
    }


def _parsed(reply: httpx.Response, model: type[Model]) -> Model:
    """The reply as `model`, or the service's error as a `ServiceError`."""
    if reply.is_success:
        return model.model_validate_json(reply.content)
    try:
        error = ErrorBody.model_validate_json(reply.content).error
    except ValidationError:
        raise ServiceError(reply.status_code, "http_error", reply.text[:200]) from None
    raise ServiceError(reply.status_code, error.code, error.message)
