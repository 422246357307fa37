"""Reading prompts and writing decisions for `depiction batch`: JSONL or Parquet, in parts.

The input is planned once (row count, and for JSONL the byte offset where each part starts), so
a worker reads only its own part: the driver never holds the dataset, and a part can be read
again after a crash. Parts are written as JSONL, atomically (temporary file, then rename), and
joined in input order at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from depiction.errors import DepictionError
from depiction.extras import missing_extra

Format = Literal["jsonl", "parquet"]
FORMATS: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
ID_COLUMN = "id"
OUTPUT_FIELDS = (
    "row",
    "id",
    "action",
    "categories",
    "rules",
    "revised_prompt",
    "language",
    "policy_sha256",
    "error",
)
"""Every output record's fields, in order; `error` is null unless the row could not be checked."""


class BatchError(DepictionError):
    """The batch itself cannot run: unreadable input, unknown format, a foreign parts folder."""


class Row(NamedTuple):
    """One input row as read: `problem` says why it cannot even be checked (e.g. invalid JSON)."""

    row: int
    ident: Any
    prompt: Any
    mode: Any
    problem: str | None = None


@dataclass(frozen=True)
class Part:
    """Rows `start` to `start + rows` of the input; `offset` is where they begin in a JSONL file."""

    index: int
    start: int
    rows: int
    offset: int = 0


@dataclass(frozen=True)
class Source:
    """An input file planned into parts; small and picklable, so it travels to every worker."""

    path: Path
    format: Format
    prompt_column: str
    mode_column: str
    part_size: int
    parts: tuple[Part, ...]
    has_id: bool = True
    has_mode: bool = True

    @property
    def rows(self) -> int:
        """How many rows the input has."""
        return sum(part.rows for part in self.parts)


def file_format(path: Path, role: str) -> Format:
    """The format named by `path`'s extension; an unknown one is a one-line error, not a guess."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise BatchError(
            f"cannot tell the format of {role} {path}: expected a .jsonl, .ndjson or .parquet file"
        )
    if found == "parquet" and (reason := missing_extra("parquet", "pyarrow")):
        raise BatchError(f"{path}: Parquet {reason}")
    return found


def open_source(path: Path, part_size: int, prompt_column: str, mode_column: str) -> Source:
    """Check that `path` is readable and plan it into parts of `part_size` rows."""
    if part_size < 1:
        raise BatchError("the part size must be at least 1 row")
    fmt = file_format(path, "input")
    try:
        if fmt == "jsonl":
            parts = tuple(_plan_jsonl(path, part_size))
            return Source(path, fmt, prompt_column, mode_column, part_size, parts)
        return _plan_parquet(path, part_size, prompt_column, mode_column)
    except OSError as error:
        raise BatchError(f"cannot read {path}: {error.strerror or error}") from error


def _plan_jsonl(path: Path, part_size: int) -> Iterator[Part]:
    """Parts of `part_size` non-blank lines, each with the byte offset of its first line."""
    index = start = rows = 0
    offset = position = 0
    with path.open("rb") as lines:
        for line in lines:
            if line.strip():
                if rows == 0:
                    offset = position
                rows += 1
                if rows == part_size:
                    yield Part(index, start, rows, offset)
                    index, start, rows = index + 1, start + rows, 0
            position += len(line)
    if rows:
        yield Part(index, start, rows, offset)


def _plan_parquet(path: Path, part_size: int, prompt_column: str, mode_column: str) -> Source:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path)
    except pa.ArrowException as error:
        raise BatchError(f"cannot read {path} as Parquet: {error}") from error
    names = metadata.schema_arrow.names
    total = metadata.metadata.num_rows
    if prompt_column not in names:
        raise BatchError(f"{path} has no column '{prompt_column}' (columns: {', '.join(names)})")
    parts = tuple(
        Part(index, start, min(part_size, total - start))
        for index, start in enumerate(range(0, total, part_size))
    )
    return Source(
        path,
        "parquet",
        prompt_column,
        mode_column,
        part_size,
        parts,
        has_id=ID_COLUMN in names,
        has_mode=mode_column in names,
    )


def read_part(source: Source, part: Part) -> list[Row]:
    """The rows of one part, read from the input by whichever process checks them."""
    if source.format == "jsonl":
        return _read_jsonl(source, part)
    return _read_parquet(source, part)


def _read_jsonl(source: Source, part: Part) -> list[Row]:
    rows: list[Row] = []
    with source.path.open("rb") as lines:
        lines.seek(part.offset)
        for line in lines:
            if not line.strip():
                continue
            rows.append(_jsonl_row(source, part.start + len(rows), line))
            if len(rows) == part.rows:
                break
    return rows


def _jsonl_row(source: Source, number: int, line: bytes) -> Row:
    try:
        item = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return Row(number, None, None, None, "line is not valid UTF-8")
    except json.JSONDecodeError as error:
        return Row(number, None, None, None, f"invalid JSON: {error.msg}")
    if not isinstance(item, dict):
        return Row(number, None, None, None, "line is not a JSON object")
    ident = item.get(ID_COLUMN)
    if source.prompt_column not in item:
        return Row(number, ident, None, None, f"missing '{source.prompt_column}'")
    return Row(number, ident, item[source.prompt_column], item.get(source.mode_column))


def _read_parquet(source: Source, part: Part) -> list[Row]:
    import pyarrow.parquet as pq

    columns = [source.prompt_column]
    columns += [ID_COLUMN] if source.has_id else []
    columns += [source.mode_column] if source.has_mode else []
    parquet = pq.ParquetFile(source.path)
    groups: list[int] = []
    first = 0  # the row groups that hold this part, and the first one's first row
    position = 0
    for group in range(parquet.num_row_groups):
        size = parquet.metadata.row_group(group).num_rows
        if position + size > part.start and position < part.start + part.rows:
            if not groups:
                first = position
            groups.append(group)
        position += size
    table = parquet.read_row_groups(groups, columns=columns).slice(part.start - first, part.rows)
    data = table.to_pydict()
    return [
        Row(
            part.start + i,
            data[ID_COLUMN][i] if source.has_id else None,
            data[source.prompt_column][i],
            data[source.mode_column][i] if source.has_mode else None,
        )
        for i in range(table.num_rows)
    ]


def part_path(parts_dir: Path, part: Part) -> Path:
    """Where one part's decisions are kept until the run is joined."""
    return parts_dir / f"part-{part.index:08d}.jsonl"


def write_part(parts_dir: Path, part: Part, records: Iterable[dict[str, Any]]) -> None:
    """Write one part so that it is either whole or absent, whatever kills the process."""
    final = part_path(parts_dir, part)
    temporary = final.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, final)


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one written part, in order."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def join_parts(source: Source, parts_dir: Path, output: Path) -> None:
    """Join every part, in input order, into `output` (written whole, then renamed into place)."""
    temporary = output.with_name(output.name + ".tmp")
    paths = [part_path(parts_dir, part) for part in source.parts]
    if file_format(output, "output") == "jsonl":
        with temporary.open("w", encoding="utf-8") as out:
            for path in paths:
                with path.open(encoding="utf-8") as part:
                    out.writelines(part)
    else:
        _join_parquet(paths, temporary)
    os.replace(temporary, output)


def _join_parquet(paths: list[Path], target: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = pa.string()
    schema = pa.schema(
        [
            ("row", pa.int64()),
            ("id", text),  # ids may be numbers in one row and text in another: text for all
            ("action", text),
            ("categories", pa.list_(text)),
            ("rules", pa.list_(text)),
            ("revised_prompt", text),
            ("language", text),
            ("policy_sha256", text),
            ("error", text),
        ]
    )
    with pq.ParquetWriter(target, schema) as writer:
        for path in paths:
            records = list(read_records(path))
            for record in records:
                record["id"] = None if record["id"] is None else str(record["id"])
            writer.write_table(pa.Table.from_pylist(records, schema=schema))


def fingerprint(path: Path) -> str:
    """A digest of a file's bytes: a resumed run must read the same input and policy."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
