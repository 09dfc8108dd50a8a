"""What each simulated round ended with: its stored fairness figures, one table line, a trend chart.

A figure the stored report does not have (yet) is None here and `n/a` in the table; the chart
leaves it out.
"""

import datetime as dt
import io
import math

import duckdb

from vc_pipeline.store.tables import qualified

# (fairness_report metric, table heading), in table order
FIGURES = (
    ("members", "members"), ("score_median", "median"), ("score_p10", "p10"), ("repeat_pairs", "repeats"),
    ("similar_role_exact", "sim.exact"), ("similar_role_family", "sim.family"), ("similar_role_unmet", "sim.unmet"),
    ("byes", "byes"), ("unpaired", "unpaired"), ("worse_off_twice", "worse2x"),
    ("worse_off_twice_by_pairing", "by.pairing"), ("fresh_partners_min", "fresh.min"),
)
# what final_pairing says happened after the no-shows, by its `source`
OUTCOMES = (("no_show", "no_shows"), ("backup", "met_via_backup"), ("rematch", "met_via_rematch"),
            ("unpaired", "stranded_unmet"))
_WIDTH = 10


def round_figures(connection: duckdb.DuckDBPyConnection, round_date: dt.date) -> dict[str, float | None]:
    """The round's FIGURES from `vc.fairness_report` (None when missing or NaN; rounded to 4 places)
    and the members per final_pairing outcome (OUTCOMES: no-shows; buddies they stranded who met a
    backup, a re-paired buddy, or nobody)."""
    report = dict(connection.execute(
        f"SELECT metric, value FROM {qualified(connection, 'fairness_report')} WHERE round = ?", [round_date]).fetchall())
    sources = dict(connection.execute(
        f"SELECT source, count(*) FROM {qualified(connection, 'final_pairing')} WHERE round = ? GROUP BY source",
        [round_date]).fetchall())
    figures = {m: (None if report.get(m) is None or math.isnan(report[m]) else round(float(report[m]), 4)) for m, _ in FIGURES}
    return {**figures, **{name: int(sources.get(source, 0)) for source, name in OUTCOMES}}


def _cell(metric: str, value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if metric.startswith("score_") else f"{value:.0f}"


def table_header() -> str:
    """The headings of `table_line`'s columns."""
    return "round".ljust(_WIDTH) + " ".join(h.rjust(_WIDTH) for _, h in FIGURES) + " no-shows".rjust(_WIDTH) + "   seconds"


def table_line(record: dict) -> str:
    """One simulated round (a `round_figures` dict plus `round`, `seconds`) as a fixed-width line."""
    cells = [_cell(m, record.get(m)) for m, _ in FIGURES] + [_cell("no_shows", record.get("no_shows"))]
    return record["round"].ljust(_WIDTH) + " ".join(c.rjust(_WIDTH) for c in cells) + f"{record['seconds']:10.1f}"


# (panel title, metrics drawn in it)
PANELS = (
    ("members", ("members", "no_shows")),
    ("group score", ("score_median", "score_p10")),
    ("repeat pairs", ("repeat_pairs",)),
    ("similar-role requests", ("similar_role_exact", "similar_role_family", "similar_role_unmet")),
    ("setbacks", ("byes", "unpaired", "worse_off_twice", "worse_off_twice_by_pairing")),
    ("fewest fresh partners left", ("fresh_partners_min",)),
)


def _plot(axes, labels: list[str], records: list[dict], metric: str) -> list[float]:
    """Draw one metric's line (unless no round has it); returns the values drawn."""
    values = [math.nan if r.get(metric) is None else float(r[metric]) for r in records]
    drawn = [v for v in values if not math.isnan(v)]
    if drawn:
        axes.plot(labels, values, marker="o", markersize=3, label=metric)
    return drawn


def trend_chart(records: list[dict], title: str) -> bytes:
    """The simulated rounds' figures per round as a PNG, one small panel per PANELS entry."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10.0, 5.6), dpi=100, layout="constrained")
    labels = [r["round"][:7] for r in records]
    for axes, (name, metrics) in zip(figure.subplots(2, 3).ravel(), PANELS):
        drawn = [v for metric in metrics for v in _plot(axes, labels, records, metric)]
        # from 0 on a fixed scale (scores to 1, counts to at least 1), so a wobble does not look like a drift
        axes.set_ylim(0, 1.0 if name == "group score" else max([1.0, *drawn]) * 1.1)
        if name != "group score":
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(name, fontsize=9)
        axes.tick_params(labelsize=7)
        axes.tick_params(axis="x", labelrotation=60)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(fontsize=6)
        else:
            axes.text(0.5, 0.5, "not reported", ha="center", va="center", transform=axes.transAxes, color="grey")
            axes.set_xticks([])
            axes.set_yticks([])
    figure.suptitle(title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _shares(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values()) or 1.0
    return {name: value / total for name, value in weights.items()}


def learning_lines(years: dict[str, list[dict]], hidden: tuple[float, ...], hand, later_from: int = 5) -> list[str]:
    """The years side by side: each round's mean hidden utility with learning off and on and the
    weights the learning year used, the mean over rounds `later_from`.. on, and the weights as
    shares of their total: hand, hidden, and the last round's fitted and used with learning on."""
    from vc_pipeline.scoring.pair_scores import COMPONENTS

    off, on = years.get("learning_off", []), years.get("learning_on", [])
    rounds = [r["round"] for r in (on or off)]
    lines = ["", f"{'round':<12}{'utility off':>12}{'utility on':>12}{'weights on':>12}"]
    for k, key in enumerate(rounds):
        cells = [f"{year[k]['hidden_utility']:.4f}" if year else "n/a" for year in (off, on)]
        lines.append(f"{key:<12}{cells[0]:>12}{cells[1]:>12}{(on[k]['weights'] if on else 'n/a'):>12}")
    later = slice(later_from - 1, None)
    if len(rounds) >= later_from and off and on:
        means = [sum(r["hidden_utility"] for r in year[later]) / len(year[later]) for year in (off, on)]
        lines.append(f"rounds {later_from}-{len(rounds)}: mean hidden utility {means[0]:.4f} learning off, "
                     f"{means[1]:.4f} learning on ({means[1] - means[0]:+.4f})")
    hand_shares = _shares({c: getattr(hand, c) for c in COMPONENTS})
    hidden_shares = _shares(dict(zip(COMPONENTS, hidden)))
    used = _shares(on[-1]["weights_used"]) if on else {}
    fitted = _shares(on[-1]["weights_fitted"]) if on and on[-1].get("weights_fitted") else {}
    lines += ["", f"{'weights (shares)':<18}{'hand':>8}{'hidden':>8}{'fitted':>8}{'used':>8}"]
    lines += [f"{c:<18}{hand_shares[c]:>8.3f}{hidden_shares[c]:>8.3f}{fitted.get(c, float('nan')):>8.3f}"
              f"{used.get(c, float('nan')):>8.3f}" for c in COMPONENTS]
    return lines
