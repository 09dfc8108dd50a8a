"""Coffee rounds as time-window partitions: one per round, keyed by its start date (YYYY-MM-DD)."""

import os

import dagster as dg

from vc_pipeline.settings import DEFAULTS, ROUNDS_CRON

# Monthly by default; the current round is included (end_offset=1) so it can run as it starts.
rounds = dg.TimeWindowPartitionsDefinition(
    cron_schedule=os.environ.get(ROUNDS_CRON, DEFAULTS[ROUNDS_CRON]),
    start="2025-01-01",
    fmt="%Y-%m-%d",
    end_offset=1,
)


def round_of(context: dg.AssetExecutionContext):
    """The round's start date (a datetime.date) of the partition being materialized."""
    return context.partition_time_window.start.date()
