"""Structured decision logs: one JSON line per decision, in rotating files.

Each record carries what an audit or a replay needs — decision id, time, policy hash, a
digest of the input, action, categories and rule ids — and the prompt only when the operator
turns that on. `depiction eval LOG.jsonl` replays such a file against a policy.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from depiction.decision import Decision
from depiction.request import Request


class DecisionLog:
    """Appends decisions to `path`, rotating at `max_bytes` and keeping `backups` old files."""

    def __init__(
        self, path: Path, *, log_prompts: bool, max_bytes: int = 50 * 2**20, backups: int = 5
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._logger = logging.getLogger(f"depiction.decisions.{path}")
        self._logger.propagate = False
        self._logger.setLevel(logging.INFO)
        if not self._logger.handlers:
            handler = RotatingFileHandler(
                path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
            handler.setFormatter(logging.Formatter("%(message)s"))
            self._logger.addHandler(handler)
        self._log_prompts = log_prompts

    def write(self, decision_id: str, request: Request, decision: Decision) -> None:
        record = {
            "decision_id": decision_id,
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "policy_sha256": decision.policy.sha256,
            "input_sha256": input_digest(request),
            "mode": request.mode,
            "language": decision.language,
            "action": decision.action,
            "categories": decision.categories,
            "rules": [hit.id for hit in decision.rules],
            "latency_ms": decision.latency_ms,
        }
        if self._log_prompts:
            record["prompt"] = request.prompt
        self._logger.info(json.dumps(record, ensure_ascii=False))


def input_digest(request: Request) -> str:
    """A digest of the prompt, mode and images: links a decision to its input without storing it."""
    digest = hashlib.sha256()
    for part in (request.prompt.encode("utf-8"), request.mode.encode(), *request.images):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()
