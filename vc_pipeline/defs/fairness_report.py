"""fairness_report: how good and how fair a round is, with its checks, charts and HTML page."""

import datetime as dt

import dagster as dg
import pandas as pd

from vc_pipeline.controls.round_controls import id_pairs
from vc_pipeline.history.pairs import earlier_pairs, worse_off_members
from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.metadata import chart
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import MemberSettings, OrganizerControls, RoundOutputs, RoundStore
from vc_pipeline.orchestration.round_asset import round_asset
from vc_pipeline.report.charts import round_charts
from vc_pipeline.report.fairness import fairness_metrics, report_rows
from vc_pipeline.report.html import previous_metrics, render_report, write_report
from vc_pipeline.report.round_facts import RoundFacts
from vc_pipeline.report.thresholds import CHECKS, FairnessThresholds, fairness_checks
from vc_pipeline.report.trends import stored_reports
from vc_pipeline.schemas import FairnessReport
from vc_pipeline.scoring.learning import weights_of
from vc_pipeline.scoring.pair_scores import RoundScorer

_THRESHOLDS = FairnessThresholds()


class FairnessConfig(dg.Config):
    """Check thresholds; meanings and defaults: vc_pipeline.report.thresholds.FairnessThresholds."""

    score_p10_min: float = _THRESHOLDS.score_p10_min
    popular_exposure_max: float = _THRESHOLDS.popular_exposure_max


def _check_results(metrics: dict[str, float], thresholds: FairnessThresholds) -> list[dg.AssetCheckResult]:
    return [dg.AssetCheckResult(check_name=c.name, passed=c.passed, severity=dg.AssetCheckSeverity[c.severity],
                                metadata={"detail": c.text}) for c in fairness_checks(metrics, thresholds)]


def _with_round(earlier: pd.DataFrame, table: pd.DataFrame, round_date: dt.date) -> pd.DataFrame:
    """Stored rounds before this one, then this round's fresh rows."""
    before = earlier[pd.to_datetime(earlier["round"]).dt.date < round_date]
    return pd.concat([before, table[["round", "metric", "value"]]], ignore_index=True) if len(before) else table


@round_asset(FairnessReport, extra_checks=CHECKS, deps=("score_matrix",))
def fairness_report(context: dg.AssetExecutionContext, config: FairnessConfig, ilp_pairing: pd.DataFrame,
                    normalized_members: pd.DataFrame, embeddings: pd.DataFrame, score_weights: pd.DataFrame,
                    final_pairing: pd.DataFrame,
                    round_feedback: pd.DataFrame, store: RoundStore, organizer_controls: OrganizerControls,
                    member_settings: MemberSettings, round_outputs: RoundOutputs):
    """How good and how fair the round is, as `metric, value` rows: score quantiles, preferences
    met, popular exposure, stage/role/time-zone balance, backups, rules, our total against the
    greedy baseline, and what the feedback says (response and meet rates, ratings by score
    quintile). Checks warn on weak rounds and fail on a repeat pair; the charts go into the
    metadata and, with every figure, into `<VC_REPORT_DIR>/<round>.html`."""
    round_date = round_of(context)
    thresholds = FairnessThresholds(score_p10_min=config.score_p10_min, popular_exposure_max=config.popular_exposure_max)
    members = normalized_members.sort_values("member_id").reset_index(drop=True)
    with store.connection() as connection:
        met_before = earlier_pairs(connection, round_date)
        worse_off_before = worse_off_members(connection, round_date)
        earlier = stored_reports(connection, up_to=round_date)
    controls = organizer_controls.for_round(round_date)
    key, mode = member_settings.hash_key, member_settings.mode
    weights = weights_of(score_weights)
    scorer = RoundScorer.of(members, embeddings, weights)
    wish_fit = (lambda i, j: float(scorer.wish_fit([i], [j])[0, 0]))
    facts = RoundFacts(ilp_pairing, members, scorer.matrix(), wish_fit, met_before, final_pairing,
                       blocked=set(id_pairs(controls.blocks, key, mode)), pinned=set(id_pairs(controls.pins, key, mode)),
                       worse_off_before=worse_off_before, feedback=round_feedback)
    metrics = fairness_metrics(facts, weights.wish_threshold)
    table = report_rows(metrics, round_date)
    reports = _with_round(earlier, table, round_date)
    checks = fairness_checks(metrics, thresholds)
    charts = round_charts(facts, reports, thresholds.score_p10_min, metrics)
    page = render_report(round_date, metrics, previous_metrics(reports, round_date), checks, charts)
    path = write_report(round_outputs.report_path(round_date), page)
    return dg.MaterializeResult(
        value=table,
        metadata={**{k: float(v) for k, v in metrics.items() if pd.notna(v)},
                  **{f"chart_{name}": chart(name, png) for name, png in charts.items()},
                  "html_report": dg.MetadataValue.path(str(path))},
        check_results=[schema_check(FairnessReport, table), *_check_results(metrics, thresholds)],
    )
