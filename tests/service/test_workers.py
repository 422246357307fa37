"""`serve --workers 2` for real: a scrape of /metrics counts every worker's decisions, and
the decision log the workers share keeps every decision whole through its rotations."""

import json
import re
from pathlib import Path

import httpx

from .conftest import running_service

CHECKS = 240


def test_two_workers_share_metrics_and_one_rotating_decision_log(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    with running_service(
        tmp_path,
        "--workers",
        "2",
        DEPICTION_DECISION_LOG=str(log),
        DEPICTION_DECISION_LOG_MAX_BYTES="20000",
        DEPICTION_DECISION_LOG_BACKUPS="50",
    ) as base:
        for number in range(CHECKS):
            with httpx.Client(base_url=base) as client:  # a new connection: either worker
                reply = client.post("/v1/check", json={"prompt": f"a lighthouse, take {number}"})
                assert reply.status_code == 200
        scrapes = []
        for _ in range(6):
            with httpx.Client(base_url=base) as client:
                text = client.get("/metrics").text
            counted = re.findall(r"^depiction_decisions_total\{[^}]*\} ([0-9.e+]+)$", text, re.M)
            scrapes.append(sum(float(value) for value in counted))
    assert scrapes == [CHECKS] * 6
    files = sorted(tmp_path.glob("decisions.jsonl*"))
    assert len(files) > 3  # it rotated
    records = [json.loads(line) for path in files for line in path.read_text().splitlines()]
    assert len(records) == len({r["decision_id"] for r in records}) == CHECKS
