"""`depiction check`: one prompt or a JSONL batch."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from depiction.cli.common import (
    COLOURS,
    DatabaseOption,
    PolicyOption,
    fail,
    open_engine,
    reported_errors,
)
from depiction.decision import Decision, Signal
from depiction.engine import Engine
from depiction.errors import DepictionError

PROGRESS_THRESHOLD = 200


def check(
    prompt: Annotated[
        str | None, typer.Argument(help="The prompt to check.", show_default=False)
    ] = None,
    mode: Annotated[str, typer.Option(help="generate or edit.")] = "generate",
    image: Annotated[
        list[Path] | None,
        typer.Option("--image", help="Input image (repeatable).", show_default=False),
    ] = None,
    policy: PolicyOption = None,
    database_url: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision JSON.")] = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            help="JSONL file of {id, prompt, mode?}; decisions as JSONL on stdout.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check one prompt, or a batch file, against the policy."""
    if (prompt is None) == (batch is None):
        fail("give either a PROMPT or --batch FILE")
    engine = open_engine(policy, database_url)
    if batch is not None:
        _run_batch(engine, batch)
        return
    assert prompt is not None
    with reported_errors():
        decision = engine.check(prompt, mode=mode, images=image or [])
    if as_json:
        typer.echo(decision.model_dump_json())
    else:
        _print_human(decision)


def _describe(signal: Signal) -> str:
    """A signal in a few words: the text it matched, or which input image it is about."""
    if signal.span:
        return f"{signal.kind} '{signal.span[2]}'"
    if "image" in signal.data:
        return f"{signal.kind} (image {signal.data['image']})"
    return signal.kind


def _print_human(decision: Decision) -> None:
    header = decision.action.upper()
    if decision.categories:
        header += "  " + ", ".join(decision.categories)
    typer.secho(header, fg=COLOURS[decision.action], bold=True)
    by_text: dict[str, list[str]] = {}  # rules that agree in one sentence share one line
    for hit in decision.rules:
        by_text.setdefault(hit.explanation, []).append(hit.id)
    for text, ids in by_text.items():
        typer.echo(f"  {', '.join(ids)}: {text}")
    if not decision.rules:
        typer.echo("  No policy rule matched.")
    if decision.revised_prompt is not None:
        typer.echo(f"  revised prompt: {decision.revised_prompt}")
    if decision.signals:
        quoted = ", ".join(_describe(signal) for signal in decision.signals)
        typer.secho(f"  signals: {quoted}", dim=True)
    ref = decision.policy
    typer.secho(
        f"  policy {ref.name} {ref.version} (sha256 {ref.sha256[:12]}) · "
        f"language {decision.language} · {decision.latency_ms} ms",
        dim=True,
    )


def _run_batch(engine: Engine, path: Path) -> None:
    try:
        lines = path.read_bytes().splitlines()
    except OSError as error:
        fail(f"cannot read batch file {path}: {error.strerror or error}")
    errors = 0
    records = _batch_records(engine, lines)
    if len(lines) > PROGRESS_THRESHOLD:
        with typer.progressbar(
            records, length=len(lines), label="checking", file=sys.stderr
        ) as bar:
            errors = _emit(bar)
    else:
        errors = _emit(records)
    if errors:
        typer.echo(f"error: {errors} of {len(lines)} lines could not be checked", err=True)
        raise typer.Exit(1)


def _emit(records: Iterator[dict[str, Any]]) -> int:
    errors = 0
    for record in records:
        errors += "error" in record
        typer.echo(json.dumps(record, ensure_ascii=False))
    return errors


def _batch_records(engine: Engine, lines: list[bytes]) -> Iterator[dict[str, Any]]:
    """One output record per non-blank input line, in order; a bad line yields an error record."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        item: Any = None
        try:
            item = json.loads(raw.decode("utf-8"))
            if not isinstance(item, dict):
                raise DepictionError("line is not a JSON object")
            if "prompt" not in item:
                raise DepictionError("missing 'prompt'")
            decision = engine.check(
                item["prompt"], mode=item.get("mode", "generate"), images=item.get("images", [])
            )
            yield {"id": item.get("id"), **decision.model_dump(mode="json")}
        except UnicodeDecodeError:
            yield _error_record(number, None, "invalid_utf8", "line is not valid UTF-8")
        except json.JSONDecodeError as error:
            yield _error_record(number, None, "invalid_json", f"invalid JSON: {error.msg}")
        except DepictionError as error:
            ident = item.get("id") if isinstance(item, dict) else None
            yield _error_record(number, ident, "invalid_request", str(error))


def _error_record(line: int, ident: Any, code: str, message: str) -> dict[str, Any]:
    return {"id": ident, "line": line, "error": {"code": code, "message": message}}
