"""Labelled evaluation cases (DESIGN.md §5): one JSON object per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

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


def load_cases(path: str | Path) -> list[Case]:
    """Read a JSONL dataset; a malformed line is an error naming the file and line."""
    cases = []
    with Path(path).open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                cases.append(Case.model_validate(json.loads(raw.decode("utf-8"))))
            except (UnicodeDecodeError, json.JSONDecodeError, ValidationError) as error:
                raise DataError(f"{path}:{number}: not a valid case: {error}") from error
    return cases
