"""fairness_report (per round, with its checks, charts and HTML page) and fairness_trends (all rounds)."""

import datetime as dt

import dagster as dg
import pandas as pd

from vc_pipeline.controls.round_controls import id_pairs
from vc_pipeline.defs.assets.round_asset import DUCKDB_POOL, round_asset
from vc_pipeline.defs.checks import schema_check
from vc_pipeline.defs.io_manager import column_schema
from vc_pipeline.defs.partitions import round_of
from vc_pipeline.defs.resources import MemberSettings, OrganizerControls, RoundStore
from vc_pipeline.history.pairs import earlier_pairs, worse_off_members
from vc_pipeline.report.charts import round_charts, trend_chart
from vc_pipeline.report.fairness import fairness_metrics, report_rows
from vc_pipeline.report.html import CHART_TITLES, data_uri, previous_metrics, render_report, report_path, write_report
from vc_pipeline.report.round_facts import RoundFacts, wish_fit_matrix
from vc_pipeline.report.tables_md import markdown_table
from vc_pipeline.report.thresholds import CHECKS, FairnessThresholds, fairness_checks
from vc_pipeline.report.trends import TRENDS_TABLE, replace_trends, side_by_side, stored_reports
from vc_pipeline.schemas import FairnessReport
from vc_pipeline.scoring.weights import ScoreWeights
from vc_pipeline.store.pair_scores import score_matrix_array

_THRESHOLDS = FairnessThresholds()


class FairnessConfig(dg.Config):
    """Check thresholds; meanings and defaults: vc_pipeline.report.thresholds.FairnessThresholds."""

    score_p10_min: float = _THRESHOLDS.score_p10_min
    popular_exposure_max: float = _THRESHOLDS.popular_exposure_max


def scoring_wish_threshold(instance: dg.DagsterInstance, round_key: str) -> float:
    """The wish threshold the round's latest score_matrix was scored with (its `weights`
    metadata), so "wish met" means the same in the score and in the report; the default otherwise."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("score_matrix"), asset_partitions=[round_key]), limit=1).records
    weights = records[0].asset_materialization.metadata.get("weights") if records else None
    return float(weights.value.get("wish_threshold", ScoreWeights().wish_threshold)) if weights else ScoreWeights().wish_threshold


def _image(name: str, png: bytes) -> dg.MetadataValue:
    return dg.MetadataValue.md(f"![{CHART_TITLES.get(name, name)}]({data_uri(png)})")


def _check_results(metrics: dict[str, float], thresholds: FairnessThresholds) -> list[dg.AssetCheckResult]:
    return [dg.AssetCheckResult(check_name=c.name, passed=c.passed, severity=dg.AssetCheckSeverity[c.severity],
                                metadata={"detail": c.text}) for c in fairness_checks(metrics, thresholds)]


def _with_round(earlier: pd.DataFrame, table: pd.DataFrame, round_date: dt.date) -> pd.DataFrame:
    """Stored rounds before this one, then this round's fresh rows."""
    before = earlier[pd.to_datetime(earlier["round"]).dt.date < round_date]
    return pd.concat([before, table[["round", "metric", "value"]]], ignore_index=True) if len(before) else table


@round_asset(FairnessReport, extra_checks=CHECKS, deps=("score_matrix",))
def fairness_report(context: dg.AssetExecutionContext, config: FairnessConfig, ilp_pairing: pd.DataFrame,
                    normalized_members: pd.DataFrame, embeddings: pd.DataFrame, final_pairing: pd.DataFrame,
                    store: RoundStore, organizer_controls: OrganizerControls, member_settings: MemberSettings):
    """How good and how fair the round is, as `metric, value` rows: score quantiles, preferences
    met, popular exposure, stage/role/time-zone balance, backups, rules, and our total against the
    greedy baseline. Checks warn on weak rounds and fail on a repeat pair; the charts go into the
    metadata and, with every figure, into `<VC_REPORT_DIR>/<round>.html`."""
    round_date, (start, end) = round_of(context), context.partition_time_window
    thresholds = FairnessThresholds(score_p10_min=config.score_p10_min, popular_exposure_max=config.popular_exposure_max)
    members = normalized_members.sort_values("member_id").reset_index(drop=True)
    with store.connection() as connection:
        met_before = earlier_pairs(connection, round_date)
        worse_off_before = worse_off_members(connection, round_date)
        scores = score_matrix_array(connection, start, end, list(members["member_id"]))
        earlier = stored_reports(connection, up_to=round_date)
    controls = organizer_controls.for_round(round_date)
    key, mode = member_settings.hash_key, member_settings.mode
    facts = RoundFacts(ilp_pairing, members, scores, wish_fit_matrix(members, embeddings), met_before, final_pairing,
                       blocked=set(id_pairs(controls.blocks, key, mode)), pinned=set(id_pairs(controls.pins, key, mode)),
                       worse_off_before=worse_off_before)
    metrics = fairness_metrics(facts, scoring_wish_threshold(context.instance, context.partition_key))
    table = report_rows(metrics, round_date)
    reports = _with_round(earlier, table, round_date)
    checks = fairness_checks(metrics, thresholds)
    charts = round_charts(facts, reports, thresholds.score_p10_min)
    path = write_report(report_path(round_date), render_report(round_date, metrics, previous_metrics(reports, round_date),
                                                               checks, charts))
    return dg.MaterializeResult(
        value=table,
        metadata={**{k: float(v) for k, v in metrics.items() if pd.notna(v)},
                  **{f"chart_{name}": _image(name, png) for name, png in charts.items()},
                  "html_report": dg.MetadataValue.path(str(path))},
        check_results=[schema_check(FairnessReport, table), *_check_results(metrics, thresholds)],
    )


# eager() waits for every dep partition, and rounds that never ran stay missing for ever: any new
# round report (or a missing trends table) is enough here
TRENDS_AFTER_A_REPORT = (
    (dg.AutomationCondition.newly_missing() | dg.AutomationCondition.any_deps_updated()).since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress() & ~dg.AutomationCondition.in_progress()
).with_label("after a round's report")


@dg.asset(deps=["fairness_report"], pool=DUCKDB_POOL, group_name="fairness", kinds={"duckdb", "pandas"},
          owners=["team:vc-data"], automation_condition=TRENDS_AFTER_A_REPORT)
def fairness_trends(store: RoundStore) -> dg.MaterializeResult:
    """Every stored round's fairness figures side by side (`vc.fairness_trends`: one row per
    metric, one column per round, and the latest change), with the per-round trend chart."""
    with store.connection() as connection:
        reports = stored_reports(connection)
        table = side_by_side(reports)
        replace_trends(connection, table)
    rounds = [c for c in table.columns if c not in ("metric", "change")]
    return dg.MaterializeResult(metadata={
        "rounds": len(rounds), "dagster/table_name": f"vc.{TRENDS_TABLE}", "dagster/row_count": len(table),
        "dagster/column_schema": column_schema(table),
        "trends": dg.MetadataValue.md(markdown_table(table.round(3))),
        "chart_trend": _image("trend", trend_chart(reports)),
    })
