"""`depiction.client` against a real service: sync and async calls parse into the documented
models, and error replies raise `ServiceError` with the service's code."""

import asyncio
from collections.abc import Iterator

import pytest

from depiction.client import AsyncClient, Client, ServiceError

from ..conftest import png_bytes
from .conftest import running_service
from .test_admin import create_key


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("client")
    key = create_key(folder, "check")
    with running_service(folder, DEPICTION_REQUIRE_KEYS="true") as base:
        yield base, key


def test_the_sync_client_checks_moderates_and_appeals(service: tuple[str, str]) -> None:
    base, key = service
    with Client(base, api_key=key) as depiction:
        refused = depiction.check("explicit porn of Taylor Swift")
        revised = depiction.check("a castle in the style of Greg Rutkowski")
        edit = depiction.check("make the sky pink", mode="edit", images=[png_bytes()])
        moderated = depiction.moderate(["a cat", "nude photo of Taylor Swift"])
        receipt = depiction.appeal(refused.decision_id, "it is satire")
        ready = depiction.ready()
    assert refused.action == "refuse" and "sexual_real_person" in refused.categories
    assert revised.action == "revise" and "Rutkowski" not in (revised.revised_prompt or "")
    assert edit.action == "allow" and len(edit.decision_id) == 32
    assert [result.flagged for result in moderated.results] == [False, True]
    assert receipt.status == "open" and receipt.appeal_id > 0
    assert ready.status == "ready" and ready.policy.name == refused.policy.name


def test_the_async_client_makes_the_same_decisions(service: tuple[str, str]) -> None:
    base, key = service

    async def decide() -> list[str]:
        async with AsyncClient(base, api_key=key) as depiction:
            decisions = await asyncio.gather(
                depiction.check("explicit porn of Taylor Swift"), depiction.check("a red fox")
            )
            return [decision.action for decision in decisions]

    assert asyncio.run(decide()) == ["refuse", "allow"]


@pytest.mark.parametrize(
    ("key", "prompt", "status", "code"),
    [
        ("", "a cat", 401, "unauthorized"),
        (None, "", 400, "invalid_request"),
    ],
)
def test_errors_raise_with_the_service_code(
    service: tuple[str, str], key: str | None, prompt: str, status: int, code: str
) -> None:
    base, real = service
    with (
        Client(base, api_key=real if key is None else key) as depiction,
        pytest.raises(ServiceError) as raised,
    ):
        depiction.check(prompt)
    assert (raised.value.status, raised.value.code) == (status, code)
