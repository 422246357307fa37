"""Structured decision logs: one JSON line per decision, in rotating files that several
worker processes share (a lock file orders their writes and rotations).

Each record carries what an audit or a replay needs — decision id, time, policy hash, a
digest of the input, action, categories and rule ids — and the prompt only when the operator
turns that on. `depiction eval LOG.jsonl` replays such a file against a policy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from concurrent_log_handler import ConcurrentRotatingFileHandler

from depiction.decision import Decision
from depiction.request import Request


class DecisionLog:
    """Appends decisions to `path`, rotating at `max_bytes` and keeping `backups` old files;
    a write that fails (a full disk) is passed to `on_failure`, never raised into a check."""

    def __init__(
        self,
        path: Path,
        *,
        log_prompts: bool,
        on_failure: Callable[[str], None],
        max_bytes: int = 50 * 2**20,
        backups: int = 5,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._logger = logging.getLogger(f"depiction.decisions.{path}")
        self._logger.propagate = False
        self._logger.setLevel(logging.INFO)
        for old in self._logger.handlers:  # a second app in one process (tests) reopens it
            self._logger.removeHandler(old)
            old.close()
        handler = _LineHandler(path, max_bytes, backups, on_failure)
        handler.setFormatter(logging.Formatter("%(message)s"))
        self._logger.addHandler(handler)
        self._log_prompts = log_prompts

    def write(self, request: Request, decision: Decision) -> None:
        record = {
            "decision_id": decision.decision_id,
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


class _LineHandler(ConcurrentRotatingFileHandler):
    """Whole lines under the shared lock. A failed write is reported once, not as a traceback
    per record; what the disk refused is dropped rather than retried with the next record,
    and a line it cut short is ended before the next one, so every other line stays JSON."""

    def __init__(
        self, path: Path, max_bytes: int, backups: int, on_failure: Callable[[str], None]
    ) -> None:
        super().__init__(
            str(path), maxBytes=max_bytes, backupCount=backups, encoding="utf-8", chmod=0o600
        )
        self._on_failure = on_failure
        self._failed = False

    def do_write(self, msg: str) -> None:
        if self._failed and _ends_mid_line(Path(self.baseFilename)):
            msg = "\n" + msg
        super().do_write(msg)
        self._failed = False

    def handleError(self, record: logging.LogRecord) -> None:
        self._failed = True
        self._on_failure(str(sys.exc_info()[1]))
        stream, self.stream = self.stream, None
        if stream is not None:
            with suppress(OSError):  # closing flushes the refused bytes again
                stream.close()


def _ends_mid_line(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) != b"\n"
    except OSError:  # empty or missing
        return False


def input_digest(request: Request) -> str:
    """A digest of the prompt, mode and images: links a decision to its input without storing it."""
    digest = hashlib.sha256()
    for part in (request.prompt.encode("utf-8"), request.mode.encode(), *request.images):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()
