"""Stores each round asset as its round's slice of table `vc.<asset>` in the DuckDB file."""

from contextlib import contextmanager

import dagster as dg
import pandas as pd

from vc_pipeline.orchestration.metadata import column_schema
from vc_pipeline.report.tables_md import markdown_table
from vc_pipeline.settings import DEFAULTS, DUCKDB_PATH
from vc_pipeline.store.tables import connect, read_round, replace_round
from vc_pipeline.store.turn import store_turn

# raw_survey and raw_feedback hold PII: their rows never go into metadata (the UI and the event log)
NO_PREVIEW = {"raw_survey", "raw_feedback"}


class RoundTableIOManager(dg.ConfigurableIOManager):
    """One DuckDB table per asset; a materialization replaces its round's rows atomically.

    Written for this project instead of dagster-duckdb-pandas's IO manager, which cannot address
    schema `vc` inside a file named vc.duckdb, replaces a partition in two separate statements and
    inserts columns by position.
    """

    database: str = DEFAULTS[DUCKDB_PATH]
    lock_wait_seconds: float = 60.0
    turn_wait_seconds: float = 900.0

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        """Holds the store's turn while the IO manager is in use: the whole run in process, one step
        under the multi-process executor (the `duckdb` pool alone is not atomic on SQLite storage)."""
        with store_turn(self.database, wait_seconds=self.turn_wait_seconds):
            yield self

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        start, end = context.asset_partitions_time_window
        with connect(self.database, wait_seconds=self.lock_wait_seconds) as connection:
            replace_round(connection, context.asset_key.path[-1], obj, start, end)
        table = context.asset_key.path[-1]
        metadata = {
            "dagster/partition_row_count": len(obj),
            "dagster/table_name": f"vc.{table}",
            "dagster/column_schema": column_schema(obj),
        }
        if table not in NO_PREVIEW:
            metadata["preview"] = dg.MetadataValue.md(markdown_table(obj, rows=5))
        context.add_output_metadata(metadata)

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        start, end = context.asset_partitions_time_window
        with connect(self.database, read_only=False, wait_seconds=self.lock_wait_seconds) as connection:
            return read_round(connection, context.upstream_output.asset_key.path[-1], start, end)
