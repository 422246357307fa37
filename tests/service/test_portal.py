"""The opt-out portal against a real service: it does not tell a visitor who is registered,
its submission limit holds across worker processes, forwarded addresses count only from
trusted proxies, and its CSRF cookie is `Secure` over HTTPS."""

from pathlib import Path

import httpx

from depiction.registry.ratelimit import SharedRateLimiter
from depiction.registry.store import OptoutStore

from ..conftest import created
from .conftest import running_service


def submit(client: httpx.Client, name: str, **headers: str) -> httpx.Response:
    client.get("/optout", headers=headers)  # sets the form's CSRF cookie
    return client.post(
        "/optout",
        data={
            "csrf_token": client.cookies["depiction_csrf"],
            "name": name,
            "contact": "someone@example.org",
        },
        headers=headers,
    )


def test_a_registered_name_gets_the_same_page_as_a_new_one(tmp_path: Path) -> None:
    url = created(f"sqlite:///{tmp_path / 'registry.db'}")
    OptoutStore(url).add("Ada Registered", actor="admin")
    with (
        running_service(tmp_path, DEPICTION_DATABASE_URL=url) as base,
        httpx.Client(base_url=base) as client,
    ):
        known = submit(client, "Ada Registered")
        new = submit(client, "Bea Unregistered")
    assert known.status_code == new.status_code == 200
    assert known.text == new.text
    assert [p.display_name for p in OptoutStore(url).entries("pending")] == ["Bea Unregistered"]


def test_the_limit_is_shared_by_every_limiter_on_one_registry(tmp_path: Path) -> None:
    url = created(f"sqlite:///{tmp_path / 'registry.db'}")
    first, second = SharedRateLimiter(2, 3600, url), SharedRateLimiter(2, 3600, url)
    assert [first.allow("10.0.0.1"), second.allow("10.0.0.1")] == [True, True]
    assert not first.allow("10.0.0.1") and not second.allow("10.0.0.1")
    assert second.allow("10.0.0.2")
    assert SharedRateLimiter(2, 0, url).allow("10.0.0.1")  # old events leave the window


def test_four_workers_allow_the_limit_once_and_ignore_forged_addresses(tmp_path: Path) -> None:
    with running_service(
        tmp_path, "--workers", "4", DEPICTION_PORTAL_SUBMISSIONS_PER_HOUR="3"
    ) as base:
        codes = []
        for number in range(8):
            with httpx.Client(base_url=base) as client:  # a new connection: any worker
                forged = {"x-forwarded-for": f"203.0.113.{number}"}
                codes.append(submit(client, f"Person {number}", **forged).status_code)
    assert codes == [200] * 3 + [429] * 5


def test_trusted_proxies_give_the_forwarded_client_and_scheme(tmp_path: Path) -> None:
    with running_service(
        tmp_path,
        DEPICTION_PORTAL_SUBMISSIONS_PER_HOUR="1",
        DEPICTION_TRUSTED_PROXIES="127.0.0.1",
    ) as base:
        codes = []
        for client_address in ("203.0.113.1", "203.0.113.2", "203.0.113.1"):
            with httpx.Client(base_url=base) as client:
                codes.append(
                    submit(
                        client, client_address, **{"x-forwarded-for": client_address}
                    ).status_code
                )
        assert codes == [200, 200, 429]
        plain = httpx.get(f"{base}/optout").headers["set-cookie"].lower()
        https = httpx.get(f"{base}/optout", headers={"x-forwarded-proto": "https"})
        assert "secure" not in plain and "secure" in https.headers["set-cookie"].lower()
