"""API keys on requests: `Authorization: Bearer <key>` (what OpenAI SDKs send) or `X-API-Key`.

Admin endpoints always need an `admin` key. Check and gateway endpoints need a key with
their scope only when the operator requires keys (`DEPICTION_REQUIRE_KEYS=true`), so a local
trial works without setup while a deployment locks down with one setting.
"""

from __future__ import annotations

from fastapi import Request

from depiction.registry.keys import KeyStore, key_hash
from depiction.registry.refresh import Refreshing
from depiction.service.errors import ApiError


class Authenticator:
    def __init__(self, database_url: str | None, require_keys: bool) -> None:
        store = KeyStore(database_url)
        self._keys = Refreshing(store.version, store.active_hashes)
        self.require_keys = require_keys

    def check(self, request: Request, scope: str) -> None:
        """Raise `ApiError` (401 or 403) unless the request may use `scope`."""
        if scope != "admin" and not self.require_keys:
            return
        key = presented_key(request)
        if key is None:
            raise ApiError(
                401, "unauthorized", f"this endpoint needs an API key with the '{scope}' scope"
            )
        scopes = self._keys.get().get(key_hash(key))
        if scopes is None:
            raise ApiError(401, "unauthorized", "the API key is unknown or revoked")
        if scope not in scopes:
            raise ApiError(403, "forbidden", f"the API key lacks the '{scope}' scope")


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("x-api-key") or None
