"""How long an opt-out change takes to hold on every replica sharing one PostgreSQL registry.

    createdb depiction_bench     # an empty PostgreSQL database; the run makes it a registry
    python benchmarks/bench_replicas.py postgresql+psycopg://USER@HOST/depiction_bench \\
        [--replicas 2] [--changes 20]

Starts `--replicas` `depiction serve` processes (one worker each) on free loopback ports, all on
that registry. Each change is made through the admin API of one replica, in turn: an add of a
new person, then the revoke of that person through the next replica; before each, a pause of
0–2 s (seeded), so that changes come at moments unrelated to the replicas' once-a-second
reading of the registry version, as users' changes do. From the moment the
admin call returns, every replica is asked `POST /v1/check` about a prompt naming the person,
continuously and at once (one thread per replica), until it decides as the change requires.
Prints, over the changes, the median and the largest time until every replica had it, and the
same for the first replica to have it. The resolution is one check's round trip (printed).
Then times the portal's shared submission limit on that database (`SharedRateLimiter.allow`,
what every replica pays per submission).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

import httpx

from depiction.registry.database import open_database
from depiction.registry.keys import KeyStore
from depiction.registry.ratelimit import SharedRateLimiter


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def replica(url: str) -> Iterator[str]:
    """One `depiction serve` on the registry at `url`, ready; its base URL."""
    port = free_port()
    environment = {**os.environ, "DEPICTION_DATABASE_URL": url}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "depiction", "serve", "--port", str(port)], env=environment
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not ready(base):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the replica on port {port} did not start")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz").status_code == 200
    except httpx.TransportError:
        return False


def refuses(client: httpx.Client, name: str) -> bool:
    reply = client.post("/v1/check", json={"prompt": f"a photo of {name} at the beach"})
    reply.raise_for_status()
    return "optout_person" in reply.json()["categories"]


def seconds_until(base: str, name: str, enforced: bool, since: float) -> tuple[float, int]:
    """Seconds from `since` until the replica at `base` decides as the change requires, and
    how many checks that took."""
    checks = 0
    with httpx.Client(base_url=base) as client:
        while True:
            checks += 1
            if refuses(client, name) == enforced:
                return time.monotonic() - since, checks
            if time.monotonic() - since > 60:
                raise SystemExit(f"{base} did not apply the change about {name} in 60 s")


class Propagation:
    """Changes made one at a time through the admin API, each timed on every replica."""

    def __init__(self, bases: list[str], admin_key: str, seed: int = 17) -> None:
        self.bases = bases
        self.seconds: dict[str, list[list[float]]] = {"add": [], "revoke": []}
        self.waited, self.checks = 0.0, 0
        self._admin = {"authorization": f"Bearer {admin_key}"}
        self._pool = ThreadPoolExecutor(len(bases))
        self._pauses = random.Random(seed)

    def change(self, kind: str, name: str, url: str, body: object = None) -> httpx.Response:
        """After a pause, POST the change to `url`, then wait until every replica decides
        about `name` as it requires; the seconds each took are kept under `kind`."""
        time.sleep(self._pauses.uniform(0, 2))
        reply = httpx.post(url, json=body, headers=self._admin)
        reply.raise_for_status()
        since = time.monotonic()
        timings = list(
            self._pool.map(lambda base: seconds_until(base, name, kind == "add", since), self.bases)
        )
        self.seconds[kind].append([seconds for seconds, _ in timings])
        self.waited += sum(seconds for seconds, _ in timings)
        self.checks += sum(checks for _, checks in timings)
        return reply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="an empty PostgreSQL database (postgresql+psycopg://)")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--changes", type=int, default=20)
    options = parser.parse_args()
    open_database(options.database_url, create=True).dispose()
    _, key = KeyStore(options.database_url).create("bench-replicas", ["admin"])
    run = secrets.token_hex(3)  # names no earlier run registered
    with ExitStack() as stack:
        bases = [
            stack.enter_context(replica(options.database_url)) for _ in range(options.replicas)
        ]
        measured = Propagation(bases, key)
        for number in range(options.changes):
            name = f"Benchmark Person {run} {number}"
            through, other = bases[number % len(bases)], bases[(number + 1) % len(bases)]
            added = measured.change("add", name, f"{through}/v1/admin/optout", {"name": name})
            person = added.json()["id"]
            measured.change("revoke", name, f"{other}/v1/admin/optout/{person}/revoke")
    print(f"{options.replicas} replicas, {options.changes} adds and {options.changes} revokes;")
    print(
        f"one check every {measured.waited / measured.checks * 1000:.0f} ms per replica while "
        "waiting (the resolution)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print("change   every replica: median / max    first replica: median / max")
    for change, rows in measured.seconds.items():
        every = [max(row) for row in rows]
        first = [min(row) for row in rows]
        print(
            f"{change:<8} {statistics.median(every):>14.2f} s / {max(every):.2f} s"
            f"    {statistics.median(first):>13.2f} s / {max(first):.2f} s"
        )
    limits = limiter_milliseconds(options.database_url)
    print(
        f"shared submission limit: {statistics.median(limits):.2f} ms median, "
        f"{statistics.quantiles(limits, n=100)[98]:.2f} ms p99 per submission"
    )


def limiter_milliseconds(url: str, calls: int = 400) -> list[float]:
    """The time of each `allow` for 50 client addresses in turn (most are over the limit, as
    the addresses repeat: a refusal costs the same transaction)."""
    limiter = SharedRateLimiter(5, 3600, url)
    times = []
    for number in range(calls):
        began = time.perf_counter()
        limiter.allow(f"bench-{number % 50}")
        times.append((time.perf_counter() - began) * 1000)
    return times


if __name__ == "__main__":
    main()
