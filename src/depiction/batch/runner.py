"""One batch run: check the parts not yet written, write each as it arrives, join them in order.

What runs a part (a process pool, a Dask cluster) is a `Backend` (engines.py); this module owns
what a part means, what a decision record holds, and how a crashed run resumes.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from depiction.batch.io import (
    BatchError,
    Part,
    Row,
    Source,
    fingerprint,
    join_parts,
    part_path,
    read_part,
    read_records,
    write_part,
)
from depiction.engine import Engine
from depiction.errors import DepictionError
from depiction.policy import default_policy_path

logger = logging.getLogger(__name__)

MANIFEST = "run.json"
PartResult = tuple[int, list[dict[str, Any]]]
"""A part's index and its decision records, in input order."""


@dataclass(frozen=True)
class EngineSpec:
    """How a worker builds its engine: small and picklable, sent instead of an engine."""

    policy: Path | None = None
    database_url: str | None = None

    @property
    def policy_path(self) -> Path:
        """The policy file the engine loads."""
        return self.policy or default_policy_path()


_engines: dict[EngineSpec, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(spec: EngineSpec) -> Engine:
    """This process's engine for `spec`, loaded on first use only: loading takes seconds, so a
    worker (pool process or Dask worker) keeps one for every part it checks."""
    with _engines_lock:
        if spec not in _engines:
            _engines[spec] = Engine.from_policy(spec.policy_path, database_url=spec.database_url)
        return _engines[spec]


def check_part(part: Part, source: Source, spec: EngineSpec) -> PartResult:
    """Read one part from the input and decide every row: what a worker runs."""
    engine = engine_for(spec)
    return part.index, [decide(engine, row) for row in read_part(source, part)]


def decide(engine: Engine, row: Row) -> dict[str, Any]:
    """One output record; a row that cannot be checked gets `error` and no action (never an
    allow), so the run goes on and the row stays visible."""
    record: dict[str, Any] = {
        "row": row.row,
        "id": row.ident,
        "action": None,
        "categories": [],
        "rules": [],
        "revised_prompt": None,
        "language": None,
        "policy_sha256": engine.policy.sha256,
        "error": row.problem,
    }
    if row.problem is not None:
        return record
    try:
        decision = engine.check(row.prompt, mode="generate" if row.mode is None else row.mode)
    except DepictionError as error:
        record["error"] = str(error)
        return record
    except Exception as error:  # one faulty row must not stop a run of billions
        logger.exception("row %d could not be checked", row.row)
        record["error"] = f"internal error: {type(error).__name__}: {error}"
        return record
    record.update(
        action=decision.action,
        categories=decision.categories,
        rules=[hit.id for hit in decision.rules],
        revised_prompt=decision.revised_prompt,
        language=decision.language,
    )
    return record


class Backend(Protocol):
    """Runs `check_part` over parts somewhere, yielding each result as soon as it is done."""

    name: str

    def run(self, parts: list[Part], source: Source, spec: EngineSpec) -> Iterator[PartResult]:
        """Results in completion order (not input order)."""
        ...


class Observer(Protocol):
    """Told how far the run is, e.g. to draw a progress bar."""

    def started(self, source: Source, done_parts: int, done_rows: int) -> None:
        """Before checking: how many parts (and rows) an earlier run already wrote."""
        ...

    def advanced(self, rows: int) -> None:
        """A part of `rows` rows was just written."""
        ...


@dataclass(frozen=True)
class Summary:
    """What a finished run wrote: rows per action (`error` for rows not checked)."""

    rows: int
    actions: dict[str, int]
    resumed_parts: int

    @property
    def errors(self) -> int:
        """Rows that could not be checked."""
        return self.actions.get("error", 0)


def parts_folder(output: Path) -> Path:
    """The folder next to `output` where a run keeps its finished parts until it is joined."""
    return output.with_name(output.name + ".parts")


def run_batch(
    source: Source,
    output: Path,
    backend: Backend,
    spec: EngineSpec,
    observer: Observer | None = None,
) -> Summary:
    """Decide every row of `source` into `output`, resuming from the parts folder if an earlier
    run of the same input, policy and options stopped midway."""
    parts_dir = parts_folder(output)
    _claim(parts_dir, _manifest(source, spec))
    pending = [part for part in source.parts if not part_path(parts_dir, part).exists()]
    done_parts = len(source.parts) - len(pending)
    if observer:
        observer.started(source, done_parts, source.rows - sum(part.rows for part in pending))
    by_index = {part.index: part for part in pending}
    if pending:
        for index, records in backend.run(pending, source, spec):
            write_part(parts_dir, by_index[index], records)
            if observer:
                observer.advanced(len(records))
    actions = _tally(source, parts_dir)
    join_parts(source, parts_dir, output)
    shutil.rmtree(parts_dir)
    return Summary(source.rows, dict(actions), done_parts)


def _manifest(source: Source, spec: EngineSpec) -> dict[str, Any]:
    """What a resumed run must share with the one it resumes: parts written from another input,
    policy or part size would be joined into a wrong output."""
    stat = source.path.stat()
    return {
        "input": str(source.path.resolve()),
        "input_size": stat.st_size,
        "input_mtime_ns": stat.st_mtime_ns,
        "part_size": source.part_size,
        "prompt_column": source.prompt_column,
        "mode_column": source.mode_column,
        "policy_file_sha256": fingerprint(spec.policy_path),
    }


def _claim(parts_dir: Path, manifest: dict[str, Any]) -> None:
    path = parts_dir / MANIFEST
    try:
        if path.exists():
            if json.loads(path.read_text(encoding="utf-8")) != manifest:
                raise BatchError(
                    f"{parts_dir} holds parts of another run (other input, policy or options): "
                    "delete it to start again"
                )
            return
        parts_dir.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        raise BatchError(f"cannot use {parts_dir}: {error.strerror or error}") from error


def _tally(source: Source, parts_dir: Path) -> Counter[str]:
    """Rows per action over every part, checking they were all decided by one policy."""
    actions: Counter[str] = Counter()
    policies: set[str] = set()
    for part in source.parts:
        for record in read_records(part_path(parts_dir, part)):
            actions[record["action"] or "error"] += 1
            policies.add(record["policy_sha256"])
    if len(policies) > 1:
        raise BatchError(
            f"the parts in {parts_dir} were decided by {len(policies)} different policies "
            "(the installed data changed between runs): delete it to start again"
        )
    return actions
