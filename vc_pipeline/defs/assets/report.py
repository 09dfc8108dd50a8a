"""fairness_report: how good and how fair the round's pairing is."""

import dagster as dg
import pandas as pd

from vc_pipeline.defs.assets.round_asset import round_asset
from vc_pipeline.defs.checks import schema_check
from vc_pipeline.defs.partitions import round_of
from vc_pipeline.defs.resources import RoundStore
from vc_pipeline.history.pairs import earlier_pairs
from vc_pipeline.report.fairness import fairness_metrics, report_rows
from vc_pipeline.schemas import FairnessReport


@round_asset(FairnessReport)
def fairness_report(context: dg.AssetExecutionContext, ilp_pairing: pd.DataFrame, normalized_members: pd.DataFrame,
                    store: RoundStore):
    """The round's figures as `metric, value` rows: groups, score quantiles, similar-role requests
    met, repeat pairs (must be 0)."""
    round_date = round_of(context)
    with store.connection() as connection:
        met_before = earlier_pairs(connection, round_date)
    metrics = fairness_metrics(ilp_pairing, normalized_members, met_before)
    table = report_rows(metrics, round_date)
    return dg.MaterializeResult(
        value=table,
        metadata={k: float(v) for k, v in metrics.items() if pd.notna(v)},
        check_results=[schema_check(FairnessReport, table)],
    )
