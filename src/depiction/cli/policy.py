"""`depiction policy validate|explain`: policy files for operators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from depiction.cli.common import COLOURS, reported_errors
from depiction.cli.evaluate import diff
from depiction.policy import Policy, load_policy

app = typer.Typer(help="Validate, explain and compare policy files.", no_args_is_help=True)
app.command("diff")(diff)


@app.command("validate")
def policy_validate(file: Annotated[Path, typer.Argument(help="Policy file.")]) -> None:
    """Check that a policy file loads: schema, detectors, conditions, placeholders."""
    loaded = _load(file)
    typer.echo(
        f"ok: {loaded.name} {loaded.version}, {len(loaded.rules)} rules, sha256 {loaded.sha256}"
    )
    for name, reason in loaded.inactive.items():
        typer.echo(f"warning: detector {name} is inactive: {reason}", err=True)


@app.command("explain")
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
        if name in loaded.inactive:
            typer.secho(f"    inactive: {loaded.inactive[name]}", fg="yellow")
    inactive_rules = loaded.inactive_rules()
    typer.echo("\nPrecedence: refuse > revise > allow, whatever the rule order.")
    for effect in ("refuse", "revise", "allow"):
        rules = [c.rule for c in loaded.rules if c.rule.effect == effect]
        if not rules:
            continue
        typer.secho(f"\n{effect.upper()} ({len(rules)})", fg=COLOURS[effect], bold=True)
        for rule in rules:
            typer.echo(f"  {rule.id}  [{rule.category}]")
            if rule.id in inactive_rules:
                typer.secho(
                    f"    inactive: uses signals of {', '.join(inactive_rules[rule.id])}, "
                    "which cannot run here",
                    fg="yellow",
                )
            typer.echo(f"    when: {' '.join(rule.when.split())}")
            if rule.description:
                typer.echo(f"    why:  {' '.join(rule.description.split())}")
            typer.echo(f"    says: {rule.explanation}")


def _load(file: Path) -> Policy:
    with reported_errors():
        return load_policy(file)
