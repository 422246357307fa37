"""`depiction eval` and `depiction policy diff`: measured policy changes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import typer

from depiction.batch.engines import check_engine
from depiction.cli.common import (
    EngineOption,
    PolicyOption,
    SchedulerOption,
    fail,
    reported_errors,
)
from depiction.evaluation.dataset import Case, load_cases
from depiction.evaluation.diff import changes
from depiction.evaluation.gates import failures, gate
from depiction.evaluation.metrics import Prediction
from depiction.evaluation.report import Evaluation, to_html, to_json
from depiction.evaluation.runner import Progress, run
from depiction.policy import default_policy_path, load_policy

PROGRESS_THRESHOLD = 200
Datasets = Annotated[
    list[Path], typer.Argument(help="JSONL datasets (or decision logs to replay).")
]
Workers = Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")]
SCOPES = "[CATEGORY=|lang:xx=]RATE, e.g. 0.95, 95% or hate=0.9 (repeatable)"


def _limits(help_text: str) -> Any:
    return typer.Option(help=f"{help_text}: {SCOPES}.", metavar="RATE", show_default=False)


def evaluate(
    datasets: Datasets,
    policy: PolicyOption = None,
    baseline: Annotated[
        list[str] | None,
        typer.Option(
            help="keyword, allow-all, refuse-sensitive, better-profanity, alt-profanity-check (repeatable).",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write the HTML report here.", show_default=False)
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="Write the figures as JSON here.", show_default=False),
    ] = None,
    workers: Workers = 1,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    fail_under: Annotated[
        list[str] | None, _limits("Exit 1 when the policy's accuracy is below")
    ] = None,
    min_recall: Annotated[
        list[str] | None, _limits("Exit 1 when the policy's hard-harm recall is below")
    ] = None,
    max_over_refusal: Annotated[
        list[str] | None, _limits("Exit 1 when the policy's over-refusal is above")
    ] = None,
) -> None:
    """Measure a policy's over- and under-refusal per category, next to baselines; with limits,
    exit 1 when the policy misses one (a quality gate for CI)."""
    with reported_errors():
        check_engine(engine, scheduler)
        limits = [
            gate(metric, text)
            for metric, texts in [
                ("accuracy", fail_under),
                ("hard_harm_recall", min_recall),
                ("over_refusal", max_over_refusal),
            ]
            for text in texts or []
        ]
    cases = _load(datasets)
    with reported_errors():
        loaded = load_policy(policy or default_policy_path())
    evaluations = []
    for checker in ["policy", *(baseline or [])]:
        predictions = _run(checker, cases, policy, Where(workers, engine, scheduler))
        name = f"depiction {loaded.name} {loaded.version}" if checker == "policy" else checker
        evaluations.append(Evaluation.of(name, predictions))
    _print_summary(evaluations)
    names = [str(d) for d in datasets]
    try:
        if report:
            report.write_text(to_html(evaluations, names), encoding="utf-8")
            typer.echo(f"report: {report}", err=True)
        if json_out:
            json_out.write_text(
                json.dumps(to_json(evaluations, names), ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
    except OSError as error:
        fail(f"cannot write output: {error.strerror or error}")
    with reported_errors():
        missed = failures(evaluations[0], limits)
    for problem in missed:
        typer.echo(f"failed: {problem}", err=True)
    if missed:
        raise typer.Exit(1)


def diff(
    policy_a: Annotated[Path, typer.Argument(help="The current policy.")],
    policy_b: Annotated[Path, typer.Argument(help="The changed policy.")],
    datasets: Datasets,
    workers: Workers = 1,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    """Every case whose decision changes from policy A to policy B, with the rules responsible."""
    with reported_errors():
        check_engine(engine, scheduler)
    cases = _load(datasets)
    where = Where(workers, engine, scheduler)
    before = _run("policy", cases, policy_a, where)
    after = _run("policy", cases, policy_b, where)
    grouped = changes(before, after)
    total = sum(len(group) for group in grouped.values())
    typer.echo(f"{total} of {len(cases)} decisions change from {policy_a} to {policy_b}")
    for direction, group in grouped.items():
        if not group:
            continue
        typer.secho(f"\n{direction.upper()} ({len(group)})", bold=True)
        for change in group:
            a, b = change.before, change.after
            typer.echo(
                f"  {a.case.id} [{a.case.category}] {a.action} -> {b.action}: {a.case.prompt}"
            )
            typer.echo(
                f"    A: {', '.join(a.rules) or 'no rule'}   B: {', '.join(b.rules) or 'no rule'}"
            )
            if b.revised_prompt is not None:
                typer.echo(f"    revised: {b.revised_prompt}")


def _load(datasets: list[Path]) -> list[Case]:
    with reported_errors():
        return [case for path in datasets for case in load_cases(path)]


class Where(NamedTuple):
    """Where the checks run: --workers, --engine and --scheduler."""

    workers: int
    engine: str
    scheduler: str | None


def _run(checker: str, cases: list[Case], policy: Path | None, where: Where) -> list[Prediction]:
    with reported_errors(), _progress(len(cases), checker) as advance:
        return run(
            checker,
            cases,
            policy=policy,
            workers=where.workers,
            progress=advance,
            engine=where.engine,
            scheduler=where.scheduler,
        )


@contextmanager
def _progress(total: int, label: str) -> Iterator[Progress | None]:
    if total <= PROGRESS_THRESHOLD:
        yield None
        return
    with typer.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _print_summary(evaluations: list[Evaluation]) -> None:
    typer.echo(
        f"{'checker':<30}{'cases':>7}{'accuracy':>10}{'over-ref':>10}{'under-ref':>11}{'hard-harm':>11}"
    )
    for e in evaluations:
        s = e.summary
        typer.echo(
            f"{e.checker:<30}{s.cases:>7}{s.accuracy:>10.1%}{s.over_refusal:>10.1%}"
            f"{s.under_refusal:>11.1%}{s.hard_harm_recall:>11.1%}"
        )
