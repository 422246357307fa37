"""Labelled evaluation cases (DESIGN.md §5): one JSON object per line."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from depiction.errors import DataError
from depiction.request import Mode

Expected = Literal["allow", "refuse", "revise", "restrict"]


class Case(BaseModel):
    """One labelled request. Extra keys (provenance, notes) are kept but not interpreted."""

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str
    prompt: str
    mode: Mode = "generate"
    expected: Expected
    category: str
    lang: str | None = None
    split: str | None = None
    restricted: str | None = None
    """For `restrict` cases: the span a revision must remove."""


SHIPPED = {
    "dev": "dev_cases.jsonl",
    "xstest": "xstest.jsonl",
    "corpus-holdout": "corpus_holdout.jsonl",
}


def dataset_path(name: str | Path) -> Path:
    """A file path, or the name of a shipped dataset: "dev" (depiction's development set),
    "corpus-holdout" (the held-out slice of the harm corpus, 12 languages) or "xstest" (XSTest,
    CC BY 4.0)."""
    if not Path(name).exists() and str(name) in SHIPPED:
        return Path(str(resources.files("depiction") / "data" / "benchmarks" / SHIPPED[str(name)]))
    return Path(name)


def load_cases(path: str | Path) -> list[Case]:
    """Read a JSONL dataset; a malformed line is an error naming the file and line.

    Decision-log records (with `action` but no `expected`) are read as replay cases: the
    logged action becomes the expectation, so a replay shows what a policy change alters.
    """
    cases = []
    try:
        lines = dataset_path(path).read_bytes().splitlines()
    except OSError as error:
        raise DataError(f"cannot read dataset {path}: {error.strerror or error}") from error
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
            if isinstance(record, dict) and "expected" not in record and "action" in record:
                record = _replay_case(record, path, number)
            cases.append(Case.model_validate(record))
        except ValidationError as error:
            raise DataError(f"{path}:{number}: not a valid case: {_first(error)}") from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DataError(f"{path}:{number}: not a valid case: {error}") from error
    return cases


def _replay_case(record: dict[str, Any], path: str | Path, number: int) -> dict[str, Any]:
    if "prompt" not in record:
        raise DataError(
            f"{path}:{number}: a decision-log record without its prompt cannot be replayed; the service "
            "logs prompts only with log_prompts: true (docs/operations.md#decision-logs)"
        )
    categories = record.get("categories") or ["replay"]
    return {
        "id": str(record.get("decision_id") or record.get("id") or f"replay-{number}"),
        "prompt": record.get("prompt", ""),
        "mode": record.get("mode", "generate"),
        "expected": record["action"],
        "category": categories[0],
    }


def _first(error: ValidationError) -> str:
    detail = error.errors()[0]
    return f"{'.'.join(str(p) for p in detail['loc'])}: {detail['msg']}"
