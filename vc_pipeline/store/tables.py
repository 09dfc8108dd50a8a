"""Read and replace one round's rows of a table in the DuckDB store, atomically and by column name."""

import datetime as dt
import time
from pathlib import Path

import duckdb
import pandas as pd

from vc_pipeline.settings import DB_SCHEMA


class StoreBusy(RuntimeError):
    """Another process holds the DuckDB file's write lock for longer than we wait."""


def connect(database: str | Path, *, read_only: bool = False, wait_seconds: float = 60.0) -> duckdb.DuckDBPyConnection:
    """Open the store, waiting up to `wait_seconds` while another process holds its lock."""
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    deadline, delay = time.monotonic() + wait_seconds, 0.1
    while True:
        try:
            return duckdb.connect(str(database), read_only=read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() >= deadline:
                raise StoreBusy(
                    f"{database}: could not open the store within {wait_seconds:.0f} s; another process "
                    f"holds it ({str(error).splitlines()[0]}). Wait for that run to finish."
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def run_sql(connection: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> None:
    """Run one statement and consume its result (DuckDB 2 requires it before the next statement)."""
    connection.execute(sql, params or []).fetchall()


def qualified(connection: duckdb.DuckDBPyConnection, table: str, schema: str = DB_SCHEMA) -> str:
    """The fully qualified table name; a file named vc.duckdb makes a catalog `vc` that a bare
    `vc.table` would be ambiguous with."""
    (catalog,) = connection.execute("SELECT current_database()").fetchall()[0]
    return f'"{catalog}"."{schema}"."{table}"'


def table_exists(connection: duckdb.DuckDBPyConnection, table: str, schema: str = DB_SCHEMA) -> bool:
    return bool(connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = ? AND table_name = ?", [schema, table]).fetchall()[0][0])


def replace_round(connection: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame,
                  start: dt.datetime, end: dt.datetime) -> None:
    """Replace the rows of `table` whose `round` falls in [start, end) with `rows`, in one
    transaction: a failure leaves the table as it was. Columns are matched by name."""
    run_sql(connection, "BEGIN TRANSACTION")
    try:
        name = qualified(connection, table)
        run_sql(connection, f"CREATE SCHEMA IF NOT EXISTS {name.rsplit('.', 1)[0]}")
        connection.register("incoming_rows", rows)
        if not table_exists(connection, table):
            run_sql(connection, f"CREATE TABLE {name} AS SELECT * FROM incoming_rows LIMIT 0")
        _add_new_columns(connection, name, table)
        run_sql(connection, f"DELETE FROM {name} WHERE round >= ? AND round < ?", [start, end])
        run_sql(connection, f"INSERT INTO {name} BY NAME SELECT * FROM incoming_rows")
        connection.unregister("incoming_rows")
        run_sql(connection, "COMMIT")
    except BaseException:
        run_sql(connection, "ROLLBACK")
        raise


def _add_new_columns(connection: duckdb.DuckDBPyConnection, name: str, table: str) -> None:
    """Columns the incoming rows have and the stored table lacks are added (earlier rounds get NULL),
    so a table that gained a column keeps its history instead of failing the insert."""
    stored = {c for (c,) in connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
        "AND table_schema = ? AND table_name = ?", [DB_SCHEMA, table]).fetchall()}
    for column, kind, *_ in connection.execute("DESCRIBE SELECT * FROM incoming_rows").fetchall():
        if column not in stored:
            run_sql(connection, f'ALTER TABLE {name} ADD COLUMN "{column}" {kind}')


def read_round(connection: duckdb.DuckDBPyConnection, table: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """The rows of `table` whose `round` falls in [start, end), with `round` as datetime.date."""
    if not table_exists(connection, table):
        raise LookupError(f"table {DB_SCHEMA}.{table} does not exist yet; materialize {table} first")
    rows = connection.execute(
        f"SELECT * FROM {qualified(connection, table)} WHERE round >= ? AND round < ?", [start, end]
    ).fetchdf()
    if "round" in rows:
        rows["round"] = pd.Series([t.date() for t in pd.to_datetime(rows["round"])], index=rows.index, dtype="object")
    return rows
