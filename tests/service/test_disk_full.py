"""A full disk under the registry and the decision log, for real: a small tmpfs filled up
while the service runs. Writes answer 503 and store nothing, checks go on, failures are
counted and make the service not ready, and the log gets one line, not a traceback per record."""

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from depiction import Engine
from depiction.service.decision_log import DecisionLog

from ..conftest import created
from .conftest import running_service
from .test_portal import submit
from .test_registry_faults import admin_key, error_of


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs: mounting needs root, which the CI container has."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path) -> Path:
    """Take every free byte of `disk`; the file returned frees them when deleted."""
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_answers_503_counts_failures_and_is_not_ready(
    tmp_path: Path, small_disk: Path
) -> None:
    url = created(f"sqlite:///{small_disk / 'registry.db'}")
    admin = admin_key(url)
    stderr = tmp_path / "stderr.log"
    log = small_disk / "decisions.jsonl"
    with (
        running_service(
            tmp_path, stderr=stderr, DEPICTION_DATABASE_URL=url, DEPICTION_DECISION_LOG=str(log)
        ) as base,
        httpx.Client(base_url=base) as client,
    ):
        fill(small_disk)
        checks = [client.post("/v1/check", json={"prompt": f"a cat {i}"}) for i in range(50)]
        assert {response.json()["action"] for response in checks} == {"allow"}
        writes = [
            client.post("/v1/admin/optout", json={"name": "Lei Jun"}, headers=admin),
            client.post(
                "/v1/appeals", json={"decision_id": "d1", "prompt": "a cat", "reason": "why?"}
            ),
        ]
        assert [error_of(response) for response in writes] == [(503, "database_unavailable")] * 2
        portal = submit(client, "Lei Jun")
        assert portal.status_code == 503 and "could not store your request" in portal.text
        ready = client.get("/readyz")
        assert error_of(ready) == (503, "not_ready")
        assert "decision_log" in ready.text and "registry" in ready.text
        metrics = client.get("/metrics").text
        failures = {
            component: float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith("depiction_write_failures_total{")
            for component in ("registry", "decision_log")
            if f'component="{component}"' in line
        }
        assert failures["decision_log"] >= 50 and failures["registry"] >= 3
    written = stderr.read_text()
    assert written.count("decision_log writes are failing") == 1
    assert "Traceback" not in written and "Logging error" not in written


def test_a_decision_log_that_filled_its_disk_keeps_every_line_whole(
    small_disk: Path, engine: Engine
) -> None:
    failures: list[str] = []
    log = DecisionLog(small_disk / "decisions.jsonl", log_prompts=True, on_failure=failures.append)
    request = engine.build_request("a lighthouse at dusk, " * 20, "generate", [])
    filler = fill(small_disk)
    for _ in range(20):
        log.write(request, engine.check_request(request))
    assert failures
    filler.unlink()
    recovered = [engine.check_request(request) for _ in range(3)]
    for decision in recovered:
        log.write(request, decision)
    lines = (small_disk / "decisions.jsonl").read_text().splitlines()
    whole = []
    for line in lines:
        try:
            whole.append(json.loads(line)["decision_id"])
        except json.JSONDecodeError:
            continue  # the one line the full disk cut short
    assert whole[-3:] == [decision.decision_id for decision in recovered]
    assert len(lines) - len(whole) <= 1


def test_a_write_failure_in_one_worker_makes_every_worker_not_ready(
    tmp_path: Path, small_disk: Path
) -> None:
    """One failed registry write reaches one of two workers; `/readyz`, answered by whichever
    worker a new connection lands on, must say not-ready from all of them."""
    url = created(f"sqlite:///{small_disk / 'registry.db'}")
    admin = admin_key(url)
    with running_service(tmp_path, "--workers", "2", DEPICTION_DATABASE_URL=url) as base:
        fill(small_disk)
        with httpx.Client(base_url=base) as client:
            added = client.post("/v1/admin/optout", json={"name": "Lei Jun"}, headers=admin)
        assert error_of(added) == (503, "database_unavailable")
        answers = []
        for _ in range(20):
            with httpx.Client(base_url=base) as fresh:  # a new connection, any worker
                answers.append(fresh.get("/readyz"))
        assert [answer.status_code for answer in answers] == [503] * len(answers)
        assert {error_of(answer) for answer in answers} == {(503, "not_ready")}
        assert all("registry" in answer.text for answer in answers)
