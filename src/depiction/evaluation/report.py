"""Evaluation results as JSON and as one self-contained HTML page (inline SVG charts)."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from depiction.evaluation.metrics import Prediction, Summary, breakdown, summarize

BOOTSTRAP = 1000
COLOURS = ["#1f6feb", "#d29922", "#8b949e", "#a371f7", "#3fb950"]


@dataclass(frozen=True)
class Evaluation:
    """One checker's predictions and the figures drawn from them."""

    checker: str
    predictions: list[Prediction]
    summary: Summary
    by_category: dict[str, Summary]
    by_language: dict[str, Summary]

    @classmethod
    def of(cls, checker: str, predictions: list[Prediction]) -> Evaluation:
        return cls(
            checker,
            predictions,
            summarize(predictions, bootstrap=BOOTSTRAP),
            breakdown(predictions, lambda p: p.case.category),
            breakdown(predictions, lambda p: p.case.lang or "unknown"),
        )


def to_json(evaluations: list[Evaluation], datasets: list[str]) -> dict[str, Any]:
    """Everything the HTML shows, for machines."""
    return {
        "datasets": datasets,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "checkers": [
            {
                "name": e.checker,
                "summary": asdict(e.summary),
                "by_category": {k: asdict(v) for k, v in e.by_category.items()},
                "by_language": {k: asdict(v) for k, v in e.by_language.items()},
                "errors": [_error(p) for p in e.predictions if not p.correct],
            }
            for e in evaluations
        ],
    }


def to_html(evaluations: list[Evaluation], datasets: list[str]) -> str:
    """A page that opens anywhere: no external scripts, styles or images."""
    main = evaluations[0]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>depiction evaluation — {_e(main.checker)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Evaluation of {_e(main.checker)}</h1>",
        f"<p class='muted'>Datasets: {_e(', '.join(datasets))} · {main.summary.cases} cases · "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · 95% intervals from {BOOTSTRAP} bootstrap resamples</p>",
        "<h2>Overall</h2>",
        _overall_table(evaluations),
        "<h2>Per category</h2>",
        "<p class='muted'>Benign categories show over-refusal (lower is better); harmful categories "
        "show under-refusal (lower is better).</p>",
        _category_chart(evaluations),
        "<h2>Per language</h2>",
        _language_table(evaluations),
        f"<h2>Confusion ({_e(main.checker)})</h2>",
        _confusion(main.summary),
        f"<h2>Errors ({_e(main.checker)})</h2>",
        _errors(main.predictions),
        f"<script>{_JS}</script></body></html>",
    ]
    return "\n".join(parts)


def _overall_table(evaluations: list[Evaluation]) -> str:
    rows = []
    for e in evaluations:
        s = e.summary
        cells = [_e(e.checker), str(s.cases)]
        cells += [
            _with_interval(s, m)
            for m in ("accuracy", "over_refusal", "under_refusal", "hard_harm_recall")
        ]
        cells += [f"{s.latency_p50_ms:.2f}", f"{s.latency_p99_ms:.2f}"]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "checker cases accuracy over-refusal under-refusal hard-harm&nbsp;recall p50&nbsp;ms p99&nbsp;ms"
    return _table(head.split(), rows)


def _with_interval(summary: Summary, metric: str) -> str:
    value = getattr(summary, metric)
    interval = summary.intervals.get(metric)
    if interval is None:
        return f"{value:.1%}"
    return f"{value:.1%} <span class='muted'>[{interval.low:.1%}, {interval.high:.1%}]</span>"


def _category_chart(evaluations: list[Evaluation]) -> str:
    categories = sorted({c for e in evaluations for c in e.by_category})
    bar, gap, width = 10, 8, 180
    height = len(categories) * (bar * len(evaluations) + gap) + 40
    parts = [f"<svg role='img' aria-label='per-category errors' width='980' height='{height}'>"]
    y = 30
    for index, evaluation in enumerate(evaluations):
        parts.append(
            f"<rect x='{width + index * 200}' y='4' width='12' height='12' fill='{COLOURS[index % 5]}'/>"
            f"<text x='{width + 18 + index * 200}' y='15' class='legend'>{_e(evaluation.checker)}</text>"
        )
    for category in categories:
        parts.append(f"<text x='{width - 8}' y='{y + bar}' text-anchor='end'>{_e(category)}</text>")
        for index, evaluation in enumerate(evaluations):
            summary = evaluation.by_category.get(category)
            value = _category_error(summary)
            length = round(value * 520)
            parts.append(
                f"<rect x='{width}' y='{y}' width='{length}' height='{bar - 1}' fill='{COLOURS[index % 5]}'>"
                f"<title>{_e(evaluation.checker)}: {value:.1%}</title></rect>"
                f"<text x='{width + length + 4}' y='{y + bar - 2}' class='value'>{value:.0%}</text>"
            )
            y += bar
        y += gap
    parts.append("</svg>")
    return "".join(parts)


def _category_error(summary: Summary | None) -> float:
    """Over-refusal for a benign category, under-refusal for a harmful one."""
    if summary is None:
        return 0.0
    benign = summary.confusion.get("allow", {})
    return summary.over_refusal if sum(benign.values()) else summary.under_refusal


def _language_table(evaluations: list[Evaluation]) -> str:
    rows = []
    for e in evaluations:
        for language, s in e.by_language.items():
            cells = [_e(e.checker), _e(language), str(s.cases), f"{s.accuracy:.1%}"]
            cells += [
                f"{s.over_refusal:.1%}",
                f"{s.under_refusal:.1%}",
                f"{s.hard_harm_recall:.1%}",
            ]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return _table(
        "checker language cases accuracy over-refusal under-refusal hard-harm&nbsp;recall".split(),
        rows,
    )


def _confusion(summary: Summary) -> str:
    actions = ["allow", "revise", "refuse"]
    rows = [
        f"<tr><th>expected {_e(expected)}</th>"
        + "".join(f"<td>{got[a]}</td>" for a in actions)
        + "</tr>"
        for expected, got in sorted(summary.confusion.items())
    ]
    return _table(["", *[f"got {a}" for a in actions]], rows)


def _errors(predictions: list[Prediction]) -> str:
    wrong = [p for p in predictions if not p.correct]
    categories = sorted({p.case.category for p in wrong})
    options = "".join(f"<option>{_e(c)}</option>" for c in categories)
    controls = (
        "<p><input id='filter' placeholder='filter errors…' size='40'> "
        f"<select id='category'><option value=''>all categories</option>{options}</select> "
        f"<span id='count' class='muted'>{len(wrong)} errors</span></p>"
    )
    rows = [
        f"<tr data-category='{_e(p.case.category)}'><td>{_e(p.case.id)}</td><td>{_e(p.case.prompt)}</td>"
        f"<td>{_e(p.case.category)}</td><td>{_e(p.case.expected)}</td><td>{_e(p.action)}</td>"
        f"<td>{_e(', '.join(p.rules))}</td></tr>"
        for p in wrong
    ]
    return controls + _table(
        "id prompt category expected got rules".split(), rows, table_id="errors"
    )


def _error(prediction: Prediction) -> dict[str, Any]:
    case = prediction.case
    return {
        "id": case.id,
        "prompt": case.prompt,
        "category": case.category,
        "expected": case.expected,
        "got": prediction.action,
        "revised_prompt": prediction.revised_prompt,
        "rules": list(prediction.rules),
    }


def _table(head: list[str], rows: list[str], table_id: str = "") -> str:
    ident = f" id='{table_id}'" if table_id else ""
    header = "".join(f"<th>{h}</th>" for h in head)
    return f"<table{ident}><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}.muted{color:#656d76}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #d0d7de;
padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
svg text{font-size:12px;fill:#1f2328}svg text.value{fill:#656d76;font-size:11px}
"""
_JS = """
const f=document.getElementById('filter'),c=document.getElementById('category'),n=document.getElementById('count');
function apply(){let k=0;for(const r of document.querySelectorAll('#errors tbody tr')){
const ok=(!c.value||r.dataset.category===c.value)&&r.textContent.toLowerCase().includes(f.value.toLowerCase());
r.style.display=ok?'':'none';k+=ok}n.textContent=k+' errors'}
f.addEventListener('input',apply);c.addEventListener('change',apply);
"""
