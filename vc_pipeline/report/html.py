"""The round's fairness report as one self-contained HTML file (charts inline as base64 PNG)."""

import base64
import datetime as dt
import html
from pathlib import Path

import numpy as np
import pandas as pd

from vc_pipeline.report.thresholds import CheckOutcome

CHART_TITLES = {"score_distribution": "Score distribution", "role_pairs": "Role pairs",
                "career_stages": "Career-stage mix", "ratings_by_score": "Ratings by score quintile",
                "trend": "Trend over rounds"}


def report_path(report_dir: Path, round_date: dt.date) -> Path:
    """The round's HTML report: `<report_dir>/<YYYY-MM-DD>.html`."""
    return Path(report_dir) / f"{round_date:%Y-%m-%d}.html"


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _value(value: float) -> str:
    if value is None or np.isnan(value):
        return "n/a"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"


def _metric_rows(metrics: dict[str, float], previous: dict[str, float]) -> str:
    rows = []
    for name, value in metrics.items():
        before = previous.get(name)
        change = "" if before is None or np.isnan(before) or np.isnan(value) else f"{value - before:+.3f}"
        rows.append(f"<tr><td>{html.escape(name)}</td><td>{_value(value)}</td><td>{_value(before) if before is not None else ''}"
                    f"</td><td>{change}</td></tr>")
    return "\n".join(rows)


def _check_rows(checks: list[CheckOutcome]) -> str:
    return "\n".join(
        f"<tr class=\"{'pass' if c.passed else c.severity.lower()}\"><td>{c.name}</td><td>{c.severity}</td>"
        f"<td>{'passed' if c.passed else 'FAILED'}</td><td>{html.escape(c.text)}</td></tr>" for c in checks)


_STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:1300px;color:#222}
table{border-collapse:collapse;margin-bottom:1.5rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
tr.warn td{background:#fff4d6}tr.error td{background:#fde0e0}tr.pass td:nth-child(3){color:#2a7a2a}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:1rem;align-items:start}figure{margin:0}
figcaption{font-weight:600}img{max-width:100%}figure.wide{grid-column:1 / span 2}"""


def render_report(round_date: dt.date, metrics: dict[str, float], previous: dict[str, float],
                  checks: list[CheckOutcome], charts: dict[str, bytes]) -> str:
    """The report page: checks, every metric beside the previous round's, and the charts."""
    figures = "\n".join(f'<figure class="{"wide" if name == "trend" else ""}">'
                        f'<figcaption>{CHART_TITLES.get(name, name)}</figcaption>'
                        f'<img alt="{CHART_TITLES.get(name, name)}" src="{data_uri(png)}"></figure>'
                        for name, png in charts.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Virtual Coffee {round_date:%Y-%m-%d}: fairness report</title>
<style>{_STYLE}</style></head><body>
<h1>Virtual Coffee round {round_date:%Y-%m-%d}: fairness report</h1>
<p>Members: {_value(metrics['members'])}; pairs: {_value(metrics['pairs'])}; triads: {_value(metrics['triads'])};
byes: {_value(metrics['byes'])}. Our pairing's total score is {_value(metrics['baseline_total_ratio'])}× the greedy
best-pair-first pairing's on the same scores and rules.</p>
<h2>Checks</h2>
<table><tr><th>check</th><th>severity</th><th>result</th><th>detail</th></tr>
{_check_rows(checks)}</table>
<h2>Charts</h2><div class="charts">
{figures}</div>
<h2>Metrics</h2>
<table><tr><th>metric</th><th>this round</th><th>previous round</th><th>change</th></tr>
{_metric_rows(metrics, previous)}</table>
</body></html>
"""


def write_report(path: Path, page: str) -> Path:
    """Write the page to `path` (its folder created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def previous_metrics(reports: pd.DataFrame, round_date: dt.date) -> dict[str, float]:
    """The latest round before `round_date` in `reports` (`round, metric, value` rows) as a dict."""
    rounds = pd.to_datetime(reports["round"]).dt.date
    earlier = reports[rounds < round_date]
    if earlier.empty:
        return {}
    last = earlier[pd.to_datetime(earlier["round"]).dt.date == pd.to_datetime(earlier["round"]).dt.date.max()]
    return dict(zip(last["metric"], last["value"].astype(float)))
