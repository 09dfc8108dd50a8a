"""The report's pictures as PNG bytes (matplotlib's object API on the Agg canvas, no pyplot state)."""

import io

import numpy as np
import pandas as pd

from vc_pipeline.profile.taxonomy import stage_label
from vc_pipeline.report.feedback import QUINTILES
from vc_pipeline.report.round_facts import RoundFacts, group_scores
from vc_pipeline.survey.form import ROLES

# The figures a trend chart shows, one small panel each.
TREND_METRICS = ("score_median", "score_p10", "similar_role_satisfied_share", "wish_satisfied_share",
                 "popular_exposure_ratio", "cross_stage_share", "region_compatible_share", "baseline_total_ratio",
                 "meet_rate", "rating_mean")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def score_distribution(scores: np.ndarray, p10_min: float) -> bytes:
    """Histogram of the groups' scores with the median, the 10th percentile and its WARN threshold."""
    figure = _figure(6.4, 3.4)
    axes = figure.add_subplot()
    axes.hist(scores, bins=20, color="#4c78a8", edgecolor="white")
    if len(scores):
        axes.axvline(np.median(scores), color="#222222", label=f"median {np.median(scores):.2f}")
        axes.axvline(np.quantile(scores, 0.1), color="#f58518", label=f"10th percentile {np.quantile(scores, 0.1):.2f}")
    axes.axvline(p10_min, color="#e45756", linestyle="--", label=f"p10 threshold {p10_min:.2f}")
    axes.set(title="Match scores (one per pair or triad)", xlabel="score", ylabel="groups")
    axes.legend(fontsize=8)
    return _png(figure)


def _heat_map(counts: np.ndarray, labels: list[str], title: str, width: float) -> bytes:
    figure = _figure(width, width * 0.8)
    axes = figure.add_subplot()
    image = axes.imshow(counts, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    for (i, j), count in np.ndenumerate(counts):
        if count:
            axes.text(j, i, int(count), ha="center", va="center", fontsize=7,
                      color="white" if count > counts.max() / 2 else "black")
    axes.set_title(title)
    figure.colorbar(image, ax=axes, shrink=0.8, label="pairs")
    return _png(figure)


def pair_counts(a: np.ndarray, b: np.ndarray, labels: list) -> np.ndarray:
    """Symmetric counts of the unordered combinations (a[k], b[k]) over `labels`."""
    index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=int)
    for x, y in zip(a, b):
        counts[index[x], index[y]] += 1
        if x != y:
            counts[index[y], index[x]] += 1
    return counts


def role_pair_heat_map(facts: RoundFacts) -> bytes:
    """Who met whom by role: every two members who meet, counted in both role cells."""
    a, b = facts.edges().T
    roles = facts.members["role"].to_numpy()
    return _heat_map(pair_counts(roles[a], roles[b], list(ROLES)), list(ROLES), "Role pairs met", 7.0)


def career_stage_mix(facts: RoundFacts) -> bytes:
    """Who met whom by career stage (1–6), as a heat map like the role pairs'."""
    a, b = facts.edges().T
    stages = facts.members["career_stage"].to_numpy(int)
    labels = [stage_label(s) for s in range(1, 7)]
    return _heat_map(pair_counts(stages[a], stages[b], list(range(1, 7))), labels, "Career stages met", 6.0)


def trend_chart(reports: pd.DataFrame, metrics: tuple[str, ...] = TREND_METRICS) -> bytes:
    """One small panel per metric, its value per round (`reports`: `round, metric, value` rows)."""
    figure = _figure(9.0, 4.6)
    panels = figure.subplots(2, (len(metrics) + 1) // 2, squeeze=False).ravel()
    for axes, metric in zip(panels, metrics):
        series = reports[reports["metric"] == metric].assign(round=lambda t: pd.to_datetime(t["round"])).sort_values("round")
        labels = [f"{r:%Y-%m}" for r in series["round"]]
        axes.plot(labels, series["value"], marker="o", color="#4c78a8")
        # a fixed scale from 0 (from 0.9 for the ratio to greedy), so a small wobble does not look like a drift
        top = max(1.0, float(series["value"].max()) * 1.05) if series["value"].notna().any() else 1.0
        axes.set_ylim(0.9 if metric == "baseline_total_ratio" else 0.0, top)
        if metric == "baseline_total_ratio":
            axes.axhline(1.0, color="#e45756", linestyle="--", linewidth=0.8)
        axes.set_title(metric, fontsize=8)
        axes.tick_params(labelsize=7)
    for axes in panels[len(metrics):]:
        axes.set_visible(False)
    figure.suptitle("Per round")
    return _png(figure)


def ratings_by_score(metrics: dict[str, float]) -> bytes:
    """The mean 1–5 rating in each quintile of group score: does our score predict good coffees?"""
    figure = _figure(6.4, 3.4)
    axes = figure.add_subplot()
    labels = [f"q{q}" for q in range(1, QUINTILES + 1)]
    means = [metrics.get(f"rating_score_q{q}", np.nan) for q in range(1, QUINTILES + 1)]
    axes.bar(labels, [0 if np.isnan(m) else m for m in means], color="#4c78a8")
    for x, mean in enumerate(means):
        axes.text(x, (0 if np.isnan(mean) else mean) + 0.05, "none" if np.isnan(mean) else f"{mean:.2f}",
                  ha="center", fontsize=8)
    correlation = metrics.get("rating_score_correlation", np.nan)
    axes.set(ylim=(0, 5.4), xlabel="group score quintile (q5: best-scored groups)", ylabel="mean rating",
             title=f"Ratings by score ({metrics.get('ratings', 0):.0f} ratings, Spearman "
                   f"{'n/a' if np.isnan(correlation) else f'{correlation:.2f}'})")
    return _png(figure)


def round_charts(facts: RoundFacts, reports: pd.DataFrame, p10_min: float, metrics: dict[str, float]) -> dict[str, bytes]:
    """The round's pictures, by name: score distribution, role pairs, career stages, ratings by
    score (from the feedback figures in `metrics`), trend."""
    return {
        "score_distribution": score_distribution(group_scores(facts.pairing), p10_min),
        "role_pairs": role_pair_heat_map(facts),
        "career_stages": career_stage_mix(facts),
        "ratings_by_score": ratings_by_score(metrics),
        "trend": trend_chart(reports),
    }
