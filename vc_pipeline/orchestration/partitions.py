"""Coffee rounds as time-window partitions: one per round, keyed by its start date (YYYY-MM-DD)."""

import dagster as dg

from vc_pipeline.orchestration.environment import setting_now
from vc_pipeline.settings import ROUNDS_CRON

# Monthly by default (VC_ROUNDS_CRON, read as the definitions load: partitions are part of them);
# the current round is included (end_offset=1) so it can run as it starts.
rounds = dg.TimeWindowPartitionsDefinition(
    cron_schedule=setting_now(ROUNDS_CRON),
    start="2025-01-01",
    fmt="%Y-%m-%d",
    end_offset=1,
)


def round_of(context: dg.AssetExecutionContext):
    """The round's start date (a datetime.date) of the partition being materialized."""
    return context.partition_time_window.start.date()
