"""Decision quality of the default policy next to a naive keyword blocklist.

    python benchmarks/bench_quality.py [DATASET.jsonl]

Prints, for the dev and holdout splits of the development set: accuracy, over-refusal
(benign requests refused or revised), under-refusal (harmful requests allowed) and hard-harm
recall, for depiction's default policy with and without the semantic detector, and for the
keyword baseline.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace

from depiction import Engine
from depiction.decision import Action
from depiction.evaluation.baselines import KeywordBaseline
from depiction.evaluation.dataset import Case, load_cases
from depiction.evaluation.metrics import Summary, predict, summarize

DEV_SET = "dev"


def row(name: str, split: str, summary: Summary) -> str:
    return (
        f"| {name} | {split} | {summary.cases} | {summary.accuracy:.1%} | {summary.over_refusal:.1%} "
        f"| {summary.under_refusal:.1%} | {summary.hard_harm_recall:.1%} |"
    )


def main() -> None:
    cases = load_cases(sys.argv[1] if len(sys.argv) > 1 else DEV_SET)
    engine = Engine.default()
    lexical = Engine(replace(engine.policy, inactive={"semantic": "measured without"}))
    keyword = KeywordBaseline()

    def decide(checker: Engine) -> Callable[[Case], tuple[Action, str | None]]:
        def run(case: Case) -> tuple[Action, str | None]:
            decision = checker.check(case.prompt, mode=case.mode)
            return decision.action, decision.revised_prompt

        return run

    checkers = {
        "depiction default": decide(engine),
        "depiction default without semantic": decide(lexical),
        "keyword blocklist": lambda c: (keyword.decide(c.prompt), None),
    }
    print(
        "| checker | split | cases | accuracy | over-refusal | under-refusal | hard-harm recall |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    splits = sorted({c.split or "all" for c in cases})
    for split in [*splits, "all"] if len(splits) > 1 else splits:
        subset = [c for c in cases if split == "all" or (c.split or "all") == split]
        for name, checker in checkers.items():
            print(row(name, split, summarize(predict(subset, checker))))


if __name__ == "__main__":
    main()
