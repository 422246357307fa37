"""The `depiction` command: parses arguments, calls the library, prints. No policy logic here."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from depiction.decision import Decision
from depiction.engine import Engine
from depiction.errors import DepictionError
from depiction.policy import Policy, default_policy_path, load_policy

app = typer.Typer(
    help="Precise, harm-focused decisions for image-generation requests.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
policy_app = typer.Typer(help="Validate and explain policy files.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        envvar="DEPICTION_POLICY",
        help="Policy file (default: the shipped default policy).",
        show_default=False,
    ),
]
PROGRESS_THRESHOLD = 200
_COLOURS = {"allow": typer.colors.GREEN, "revise": typer.colors.YELLOW, "refuse": typer.colors.RED}


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _engine(policy: Path | None) -> Engine:
    try:
        return Engine.from_policy(policy or default_policy_path())
    except DepictionError as error:
        _fail(str(error))


@app.command()
def check(
    prompt: Annotated[str | None, typer.Argument(help="The prompt to check.", show_default=False)] = None,
    mode: Annotated[str, typer.Option(help="generate or edit.")] = "generate",
    image: Annotated[
        list[Path] | None, typer.Option("--image", help="Input image (repeatable).", show_default=False)
    ] = None,
    policy: PolicyOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision JSON.")] = False,
    batch: Annotated[
        Path | None,
        typer.Option(help="JSONL file of {id, prompt, mode?}; decisions as JSONL on stdout.", show_default=False),
    ] = None,
) -> None:
    """Check one prompt, or a batch file, against the policy."""
    if (prompt is None) == (batch is None):
        _fail("give either a PROMPT or --batch FILE")
    engine = _engine(policy)
    if batch is not None:
        _run_batch(engine, batch)
        return
    assert prompt is not None
    try:
        decision = engine.check(prompt, mode=mode, images=image or [])
    except DepictionError as error:
        _fail(str(error))
    if as_json:
        typer.echo(decision.model_dump_json())
    else:
        _print_human(decision)


def _print_human(decision: Decision) -> None:
    header = decision.action.upper()
    if decision.categories:
        header += "  " + ", ".join(decision.categories)
    typer.secho(header, fg=_COLOURS[decision.action], bold=True)
    for hit in decision.rules:
        typer.echo(f"  {hit.id}: {hit.explanation}")
    if not decision.rules:
        typer.echo("  No policy rule matched.")
    if decision.revised_prompt is not None:
        typer.echo(f"  revised prompt: {decision.revised_prompt}")
    if decision.signals:
        quoted = ", ".join(
            f"{s.kind} '{s.span[2]}'" if s.span else s.kind for s in decision.signals
        )
        typer.secho(f"  signals: {quoted}", dim=True)
    ref = decision.policy
    typer.secho(
        f"  policy {ref.name} {ref.version} (sha256 {ref.sha256[:12]}) · {decision.latency_ms} ms",
        dim=True,
    )


def _run_batch(engine: Engine, path: Path) -> None:
    try:
        lines = path.read_bytes().splitlines()
    except OSError as error:
        _fail(f"cannot read batch file {path}: {error.strerror or error}")
    errors = 0
    records = _batch_records(engine, lines)
    if len(lines) > PROGRESS_THRESHOLD:
        with typer.progressbar(records, length=len(lines), label="checking", file=sys.stderr) as bar:
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


@policy_app.command("validate")
def policy_validate(file: Annotated[Path, typer.Argument(help="Policy file.")]) -> None:
    """Check that a policy file loads: schema, detectors, conditions, placeholders."""
    loaded = _load(file)
    typer.echo(f"ok: {loaded.name} {loaded.version}, {len(loaded.rules)} rules, sha256 {loaded.sha256}")


@policy_app.command("explain")
def policy_explain(file: Annotated[Path, typer.Argument(help="Policy file.")]) -> None:
    """List a policy's detectors and rules, refusals first, in plain words."""
    loaded = _load(file)
    typer.secho(f"{loaded.name} {loaded.version}", bold=True)
    if loaded.description:
        typer.echo(loaded.description.strip())
    typer.echo(f"sha256 {loaded.sha256}")
    typer.echo("\nDetectors:")
    for name, cls in loaded.detectors.items():
        typer.echo(f"  {name}: {', '.join(cls.signals)}")
    typer.echo("\nPrecedence: refuse > revise > allow, whatever the rule order.")
    for effect in ("refuse", "revise", "allow"):
        rules = [c.rule for c in loaded.rules if c.rule.effect == effect]
        if not rules:
            continue
        typer.secho(f"\n{effect.upper()} ({len(rules)})", fg=_COLOURS[effect], bold=True)
        for rule in rules:
            typer.echo(f"  {rule.id}  [{rule.category}]")
            typer.echo(f"    when: {' '.join(rule.when.split())}")
            if rule.description:
                typer.echo(f"    why:  {' '.join(rule.description.split())}")
            typer.echo(f"    says: {rule.explanation}")


def _load(file: Path) -> Policy:
    try:
        return load_policy(file)
    except DepictionError as error:
        _fail(str(error))


def main() -> None:
    """Console-script entry point."""
    app()
