"""fairness_trends: every round's fairness figures side by side, so a drift shows at a glance."""

import duckdb
import pandas as pd

from vc_pipeline.store.tables import qualified, table_exists

TRENDS_TABLE = "fairness_trends"


def stored_reports(connection: duckdb.DuckDBPyConnection, up_to=None) -> pd.DataFrame:
    """`round, metric, value` of every stored round (up to and including `up_to` when given),
    in round order and each round's metric order."""
    if not table_exists(connection, "fairness_report"):
        return pd.DataFrame({"round": [], "metric": [], "value": []})
    where, params = ("WHERE round <= ?", [up_to]) if up_to is not None else ("", [])
    return connection.execute(f"SELECT round, metric, value FROM {qualified(connection, 'fairness_report')} {where} "
                              "ORDER BY round, rowid", params).fetchdf()


def side_by_side(reports: pd.DataFrame) -> pd.DataFrame:
    """One row per metric, one column per round (`YYYY-MM-DD`, oldest first), and `change`: the
    latest round's value minus the one before (NaN with a single round)."""
    if reports.empty:
        return pd.DataFrame({"metric": [], "change": []})
    keyed = reports.assign(round=pd.to_datetime(reports["round"]).dt.strftime("%Y-%m-%d"))
    order = list(dict.fromkeys(keyed.sort_values("round", ascending=False, kind="stable")["metric"]))
    wide = keyed.pivot(index="metric", columns="round", values="value").reindex(order)
    wide = wide[sorted(wide.columns)]
    wide["change"] = wide.iloc[:, -1] - wide.iloc[:, -2] if wide.shape[1] > 1 else float("nan")
    return wide.reset_index().rename_axis(columns=None)


def replace_trends(connection: duckdb.DuckDBPyConnection, table: pd.DataFrame) -> None:
    """Store `table` as `vc.fairness_trends`, replacing what was there (it is rebuilt from every round)."""
    connection.register("trends_rows", table)
    try:
        table = qualified(connection, TRENDS_TABLE)
        connection.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM trends_rows").fetchall()
    finally:
        connection.unregister("trends_rows")
