"""Read and replace one round's rows of a table in the DuckDB store, atomically and by column name."""

import datetime as dt
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from vc_pipeline.errors import UserError
from vc_pipeline.settings import DB_SCHEMA


class StoreBusy(UserError, RuntimeError):
    """Another process holds the DuckDB file's write lock for longer than we wait."""


class SchemaChanged(UserError, RuntimeError):
    """The rows to store have a column whose type differs from the stored table's (its schema changed
    since an earlier round was written); nothing is written."""


# Stored type → incoming types that convert into it without loss (integers widen, FLOAT to DOUBLE;
# pandas' int64 into DOUBLE is exact up to 2**53, far beyond any count or id we store).
_WIDENS_TO = {
    "BIGINT": {"TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER"},
    "INTEGER": {"TINYINT", "SMALLINT", "UTINYINT", "USMALLINT"},
    "DOUBLE": {"FLOAT", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"},
}


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
    transaction: a failure leaves the table as it was. Columns are matched by name: a new column is
    added (NULL for earlier rounds), a stored column these rows lack is NULL for this round, and a
    column whose type changed raises SchemaChanged."""
    run_sql(connection, "BEGIN TRANSACTION")
    try:
        name = qualified(connection, table)
        run_sql(connection, f"CREATE SCHEMA IF NOT EXISTS {name.rsplit('.', 1)[0]}")
        connection.register("incoming_rows", rows)
        incoming = _incoming_types(connection)
        if not table_exists(connection, table):
            columns = ", ".join(f'"{c}" {_stored_type(c, kind)}' for c, kind in incoming.items())
            run_sql(connection, f"CREATE TABLE {name} ({columns})")
        stored = stored_types(connection, table)
        _check_types(connection, table, stored, incoming)
        _add_new_columns(connection, name, stored, incoming)
        run_sql(connection, f"DELETE FROM {name} WHERE round >= ? AND round < ?", [start, end])
        run_sql(connection, f"INSERT INTO {name} BY NAME SELECT * FROM incoming_rows")
        connection.unregister("incoming_rows")
        run_sql(connection, "COMMIT")
    except BaseException:
        run_sql(connection, "ROLLBACK")
        raise


def _incoming_types(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    # a pandas categorical arrives as an ENUM of its categories; it is stored as the text it stands for
    return {column: "VARCHAR" if kind.startswith("ENUM(") else kind
            for column, kind, *_ in connection.execute("DESCRIBE SELECT * FROM incoming_rows").fetchall()}


def _stored_type(column: str, kind: str) -> str:
    """The type a new column is stored as: `round` is always a DATE; a column with no value yet
    (type NULL, e.g. an empty round) is text rather than DuckDB's default INTEGER."""
    if column == "round":
        return "DATE"
    return "VARCHAR" if kind == '"NULL"' else kind


def stored_types(connection: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """{column: type} of a stored table (empty when it does not exist)."""
    return dict(connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() "
        "AND table_schema = ? AND table_name = ? ORDER BY ordinal_position", [DB_SCHEMA, table]).fetchall())


def _check_types(connection: duckdb.DuckDBPyConnection, table: str, stored: dict[str, str],
                 incoming: dict[str, str]) -> None:
    """Raise SchemaChanged when a column's incoming type cannot go into its stored type unchanged.
    Same type, a lossless widening, or a column with no value in these rows is fine."""
    for column, kind in incoming.items():
        have = stored.get(column)
        if have is None or have == kind or kind == '"NULL"' or kind in _WIDENS_TO.get(have, ()):
            continue
        if connection.execute(f'SELECT count("{column}") FROM incoming_rows').fetchall()[0][0] == 0:
            continue
        raise SchemaChanged(
            f"{DB_SCHEMA}.{table}: column '{column}' is stored as {have} but this run produces {kind}; the "
            "table's schema changed since earlier rounds were written. Nothing was written: migrate the "
            f"column (ALTER TABLE {DB_SCHEMA}.{table} ALTER \"{column}\" TYPE {kind}) or drop the table and "
            "re-materialize every round.")


def _add_new_columns(connection: duckdb.DuckDBPyConnection, name: str, stored: dict[str, str],
                     incoming: dict[str, str]) -> None:
    """Columns the incoming rows have and the stored table lacks are added (earlier rounds get NULL),
    so a table that gained a column keeps its history instead of failing the insert."""
    for column, kind in incoming.items():
        if column not in stored:
            run_sql(connection, f'ALTER TABLE {name} ADD COLUMN "{column}" {_stored_type(column, kind)}')


def read_round(connection: duckdb.DuckDBPyConnection, table: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """The rows of `table` whose `round` falls in [start, end), with `round` as datetime.date."""
    if not table_exists(connection, table):
        raise LookupError(f"table {DB_SCHEMA}.{table} does not exist yet; materialize {table} first")
    rows = connection.execute(
        f"SELECT * FROM {qualified(connection, table)} WHERE round >= ? AND round < ?", [start, end]
    ).fetchdf()
    if "round" in rows:  # one date object per distinct round, not one per row
        codes, days = pd.factorize(rows["round"])
        dates = np.array([day.date() for day in pd.to_datetime(days)] + [None], dtype=object)
        rows["round"] = pd.Series(dates[codes], index=rows.index, dtype="object")
    return rows
