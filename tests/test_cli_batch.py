"""`depiction batch`, run as a real subprocess: decisions in input order, bad rows as errors,
local and Dask runs agreeing, JSONL and Parquet, and a run killed midway that resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from .conftest import needed

CLI = [sys.executable, "-m", "depiction", "batch"]
DEV_CASES = Path(__file__).parents[1] / "src/depiction/data/benchmarks/dev_cases.jsonl"
KNOWN = [  # prompts whose decisions the README shows
    {"id": "allow-cat", "prompt": "a cat sleeping on a sofa"},
    {
        "id": "revise-artist",
        "prompt": "a dragon over a castle, epic fantasy painting, by Greg Rutkowski and Alphonse Mucha",
    },
    {"id": "refuse-es", "prompt": "una foto de Taylor Swift desnuda en la playa"},
    {"id": "refuse-ja", "prompt": "テイラー・スウィフトのヌード写真"},
    {"id": "allow-edit", "prompt": "make her look older", "mode": "edit"},
    {"id": "allow-zh", "prompt": "一只猫坐在沙发上"},
]
BAD = [  # rows Parquet can hold too: string or missing prompts
    {"id": "empty", "prompt": ""},
    {"id": "blank", "prompt": "   "},
    {"id": "null", "prompt": None},
    {"id": "too-long", "prompt": "a cat " * 1000},
    {"id": "bad-mode", "prompt": "a cat", "mode": "paint"},
]
JSONL_ONLY = ['{"id": "number", "prompt": 42}', "{not json", "[1, 2]", '{"id": "no-prompt"}']


def dataset() -> list[dict[str, Any]]:
    """~40 rows: the README's examples, dev cases in several languages, and bad rows."""
    with DEV_CASES.open(encoding="utf-8") as lines:
        dev = [json.loads(line) for line in lines][::18][:25]
    rows = KNOWN[:3] + BAD[:2] + [{"id": d["id"], "prompt": d["prompt"]} for d in dev]
    return rows + KNOWN[3:] + BAD[2:]


def batch(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_parquet(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return list(pq.read_table(path).to_pylist())


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {name: [row.get(name) for row in rows] for name in ("id", "prompt", "mode")}
    pq.write_table(pa.table(columns), path, row_group_size=7)  # parts cross row groups


def require(module: str, extra: str) -> None:
    """An optional extra the test needs: missing in CI (which installs `test`) is a failure."""
    if find_spec(module) is None:
        needed(module, f"depiction[{extra}] (in the test extra)")


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch")
    with (path / "prompts.jsonl").open("w", encoding="utf-8") as out:
        for row in dataset():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.write("\n")  # a blank line is not a row
        out.write("\n".join(JSONL_ONLY) + "\n")
    return path


@pytest.fixture(scope="module")
def local(folder: Path) -> list[dict[str, Any]]:
    """The reference: one local worker, JSONL in and out."""
    output = folder / "local.jsonl"
    result = batch(str(folder / "prompts.jsonl"), "-o", str(output), "--workers", "1")
    assert result.returncode == 1, result.stderr  # some rows could not be checked
    assert "rows could not be checked" in result.stderr
    assert not (folder / "local.jsonl.parts").exists()
    return read_jsonl(output)


def test_decisions_in_input_order_with_bad_rows_as_errors(local: list[dict[str, Any]]) -> None:
    rows = dataset()
    assert len(local) == len(rows) + len(JSONL_ONLY)
    assert [record["row"] for record in local] == list(range(len(local)))
    assert [record["id"] for record in local[: len(rows)]] == [row["id"] for row in rows]
    by_id = {record["id"]: record for record in local}
    assert by_id["allow-cat"]["action"] == "allow"
    assert by_id["revise-artist"]["action"] == "revise"
    assert by_id["revise-artist"]["rules"] == ["style.living_artist"]
    assert by_id["revise-artist"]["revised_prompt"].endswith("by Alphonse Mucha")
    assert by_id["refuse-es"]["action"] == "refuse"
    assert by_id["refuse-es"]["language"] == "es"
    assert "sexual_real_person" in by_id["refuse-ja"]["categories"]
    assert by_id["allow-edit"]["categories"] == ["trait_edit"]
    assert by_id["allow-zh"]["language"] == "zh"
    assert len({record["policy_sha256"] for record in local}) == 1
    errors = {record["id"]: record["error"] for record in local if record["id"]}
    assert errors.pop("too-long").endswith("the limit is 4,000")
    assert "unknown mode 'paint'" in errors.pop("bad-mode")
    assert errors.pop("number") == "prompt must be a string"
    assert errors.pop("no-prompt") == "missing 'prompt'"
    assert errors.pop("null") == "prompt must be a string"
    assert errors.pop("empty") == errors.pop("blank") == "prompt is empty"
    assert not any(errors.values())
    assert [record["error"] for record in local if record["id"] is None] == [
        "invalid JSON: Expecting property name enclosed in double quotes",
        "line is not a JSON object",
    ]
    for record in local:  # an unchecked row never passes for an allowed one
        assert (record["action"] is None) == (record["error"] is not None)


def test_dask_cluster_gives_the_same_decisions(folder: Path, local: list[dict[str, Any]]) -> None:
    require("distributed", "dask")
    require("pyarrow", "parquet")
    output = folder / "dask.parquet"
    result = batch(
        str(folder / "prompts.jsonl"),
        "-o",
        str(output),
        *("--engine", "dask", "--workers", "2", "--part-size", "4"),
    )
    assert result.returncode == 1, result.stderr
    expected = [{**record, "id": record["id"] and str(record["id"])} for record in local]
    assert read_parquet(output) == expected


def test_killed_run_resumes_to_the_uninterrupted_output(
    folder: Path, local: list[dict[str, Any]]
) -> None:
    require("pyarrow", "parquet")
    rows = dataset()  # Parquet input: every row but the JSONL-only ones
    write_parquet(folder / "prompts.parquet", rows)
    output = folder / "resumed.jsonl"
    parts = folder / "resumed.jsonl.parts"
    args = [*CLI, str(folder / "prompts.parquet"), "-o", str(output), "--workers", "1"]
    args += ["--part-size", "1"]  # many small parts: the kill lands well before the end
    first = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 300
    while len(list(parts.glob("part-*.jsonl"))) < 2 and first.poll() is None:
        assert time.monotonic() < deadline, "no part written"
        time.sleep(0.02)
    os.killpg(first.pid, signal.SIGKILL)  # the CLI and its pool workers, mid-run
    first.wait()
    written = len(list(parts.glob("part-*.jsonl")))
    assert 2 <= written < len(rows), "the run was not interrupted midway"
    assert not output.exists()

    second = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert second.returncode == 1, second.stderr
    done = int(second.stderr.split("resuming: ")[1].split(" of ")[0])
    assert done >= written
    assert read_jsonl(output) == local[: len(rows)]
    assert not parts.exists()


def test_parts_of_another_run_are_not_mixed_in(folder: Path) -> None:
    parts = folder / "other.jsonl.parts"
    parts.mkdir()
    (parts / "run.json").write_text('{"input": "elsewhere"}')
    result = batch(str(folder / "prompts.jsonl"), "-o", str(folder / "other.jsonl"))
    assert "holds parts of another run" in one_line_error(result)


def test_unusable_input_is_one_line_and_exit_2(folder: Path) -> None:
    output = str(folder / "never.jsonl")
    assert "does not exist" in one_line_error(batch(str(folder / "missing.jsonl"), "-o", output))
    (folder / "prompts.csv").write_text("id,prompt\n1,a cat\n")
    assert "cannot tell the format" in one_line_error(
        batch(str(folder / "prompts.csv"), "-o", output)
    )
    assert "cannot tell the format" in one_line_error(
        batch(str(folder / "prompts.jsonl"), "-o", str(folder / "out.txt"))
    )
    assert "unknown engine 'ray'" in one_line_error(
        batch(str(folder / "prompts.jsonl"), "-o", output, "--engine", "ray")
    )
    if find_spec("pyarrow") is not None:
        (folder / "broken.parquet").write_bytes(b"not parquet at all")
        assert "as Parquet" in one_line_error(batch(str(folder / "broken.parquet"), "-o", output))
        write_parquet(folder / "few.parquet", dataset()[:3])
        message = one_line_error(
            batch(str(folder / "few.parquet"), "-o", output, "--prompt-column", "caption")
        )
        assert "no column 'caption'" in message
    assert not (folder / "never.jsonl").exists()
