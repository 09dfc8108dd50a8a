"""fairness_trends: every stored round's fairness figures side by side, rebuilt after each round's report."""

import dagster as dg

from vc_pipeline.orchestration.metadata import chart, column_schema
from vc_pipeline.orchestration.resources import RoundStore
from vc_pipeline.orchestration.round_asset import DUCKDB_POOL
from vc_pipeline.report.charts import trend_chart
from vc_pipeline.report.tables_md import markdown_table
from vc_pipeline.report.trends import TRENDS_TABLE, replace_trends, side_by_side, stored_reports

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
        "chart_trend": chart("trend", trend_chart(reports)),
    })
