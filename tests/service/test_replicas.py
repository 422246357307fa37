"""Two `depiction serve` replicas on loopback sharing one real PostgreSQL registry, as behind a
load balancer: an opt-out added or revoked through either (admin API or CLI) holds on both
within 2 s, also on a replica that got no request meanwhile; the portal's submission limit
is counted once for both; and each replica's /metrics counts its own decisions, even when
both are given the same PROMETHEUS_MULTIPROC_DIR."""

import re
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from depiction.registry.keys import KeyStore

from ..conftest import created, depiction, postgres_database
from .conftest import running_service
from .test_portal import submit

PROPAGATION_SECONDS = 2.0
"""The bound the service promises: the registry version is read every second, and a
change to a few people is applied in milliseconds."""


def prompt(name: str) -> str:
    return f"a photo of {name} at the beach"


def opted_out(base: str, name: str) -> bool:
    reply = httpx.post(f"{base}/v1/check", json={"prompt": prompt(name)})
    assert reply.status_code == 200
    return "optout_person" in reply.json()["categories"]


def seconds_until(base: str, name: str, enforced: bool, since: float) -> float:
    """Seconds from `since` (when the change returned) until `base` first decides as the
    change requires, asked continuously; fails once well past the promised bound."""
    while opted_out(base, name) != enforced:
        if time.monotonic() - since > 5 * PROPAGATION_SECONDS:
            pytest.fail(f"{base} still decides as before the change about {name}")
    return time.monotonic() - since


def on_every_replica(bases: list[str], name: str, enforced: bool, since: float) -> list[float]:
    """`seconds_until` on every replica at once (one thread each, so that one replica's
    delay does not hide another's)."""
    seconds: dict[str, float] = {}

    def measure(base: str) -> None:
        seconds[base] = seconds_until(base, name, enforced, since)

    threads = [threading.Thread(target=measure, args=(base,)) for base in bases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(seconds) == set(bases), "a replica was not measured (see the log above)"
    return [seconds[base] for base in bases]


@pytest.fixture(scope="module")
def registry(postgres_url: str) -> str:
    return created(postgres_database(postgres_url, "replicas"))


@pytest.fixture(scope="module")
def replicas(registry: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two replicas, one worker each, both given the same PROMETHEUS_MULTIPROC_DIR (the
    accident a shared environment file makes)."""
    shared_metrics = tmp_path_factory.mktemp("metrics")
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                running_service(
                    tmp_path_factory.mktemp(f"replica{number}"),
                    DEPICTION_DATABASE_URL=registry,
                    DEPICTION_PORTAL_SUBMISSIONS_PER_HOUR="3",
                    PROMETHEUS_MULTIPROC_DIR=str(shared_metrics),
                )
            )
            for number in range(2)
        ]
    assert not list(shared_metrics.iterdir()), "a replica left its metrics folder behind"


@pytest.fixture(scope="module")
def admin(registry: str) -> dict[str, str]:
    _, key = KeyStore(registry).create("replica-test", ["admin"])
    return {"authorization": f"Bearer {key}"}


def test_an_optout_added_through_one_replica_holds_on_both_within_2s(
    admin: dict[str, str], replicas: list[str]
) -> None:
    first, second = replicas
    for through, other in ((first, second), (second, first)):
        name = f"Ottilie Replica{replicas.index(through)}"
        assert not opted_out(first, name) and not opted_out(second, name)
        added = httpx.post(f"{through}/v1/admin/optout", json={"name": name}, headers=admin)
        assert added.status_code == 201
        since = time.monotonic()
        assert max(on_every_replica(replicas, name, True, since)) <= PROPAGATION_SECONDS
        person = added.json()["id"]
        revoked = httpx.post(f"{other}/v1/admin/optout/{person}/revoke", headers=admin)
        assert revoked.status_code == 200
        since = time.monotonic()
        assert max(on_every_replica(replicas, name, False, since)) <= PROPAGATION_SECONDS


def test_a_quiet_replica_applies_a_cli_change_before_its_next_request(
    replicas: list[str], registry: str
) -> None:
    """No request reaches the replicas between the change and the first check made 2 s
    after it: they apply the change on their own, not when traffic asks for it."""
    name = "Quentin Quiet"
    assert not any(opted_out(base, name) for base in replicas)
    added = depiction("optout", "add", name, "--database-url", registry)
    assert added.returncode == 0, added.stderr
    time.sleep(PROPAGATION_SECONDS)
    assert all(opted_out(base, name) for base in replicas)
    person = added.stdout.split()[0]
    revoked = depiction("optout", "revoke", person, "--database-url", registry)
    assert revoked.returncode == 0, revoked.stderr
    time.sleep(PROPAGATION_SECONDS)
    assert not any(opted_out(base, name) for base in replicas)


def test_the_portal_limit_is_shared_by_both_replicas(replicas: list[str]) -> None:
    """Three submissions an hour per client address: spread over the two replicas, the
    fourth is refused wherever it lands."""
    codes = []
    for number in range(6):
        with httpx.Client(base_url=replicas[number % 2]) as client:
            codes.append(submit(client, f"Portal Person{number}").status_code)
    assert codes == [200] * 3 + [429] * 3


def decisions_counted(base: str) -> float:
    text = httpx.get(f"{base}/metrics").text
    counted = re.findall(r"^depiction_decisions_total\{[^}]*\} ([0-9.e+]+)$", text, re.M)
    return sum(float(value) for value in counted)


def test_each_replica_counts_its_own_decisions(replicas: list[str]) -> None:
    before = [decisions_counted(base) for base in replicas]
    for base, checks in zip(replicas, (3, 7), strict=True):
        for _ in range(checks):
            assert httpx.post(f"{base}/v1/check", json={"prompt": "a red kite"}).status_code == 200
    after = [decisions_counted(base) for base in replicas]
    assert [a - b for a, b in zip(after, before, strict=True)] == [3, 7]


def test_replicas_with_two_workers_each_keep_separate_metrics(
    registry: str, tmp_path: Path
) -> None:
    shared = tmp_path / "metrics"
    with ExitStack() as stack:
        bases = [
            stack.enter_context(
                running_service(
                    tmp_path / f"replica{number}",
                    "--workers",
                    "2",
                    DEPICTION_DATABASE_URL=registry,
                    PROMETHEUS_MULTIPROC_DIR=str(shared),
                )
            )
            for number in range(2)
        ]
        for base, checks in zip(bases, (4, 9), strict=True):
            for _ in range(checks):
                with httpx.Client(base_url=base) as client:  # a new connection: either worker
                    assert client.post("/v1/check", json={"prompt": "a kite"}).status_code == 200
        assert [decisions_counted(base) for base in bases] == [4, 9]
    assert not list(shared.iterdir())
