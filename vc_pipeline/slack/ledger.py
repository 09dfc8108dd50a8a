"""The Slack ledger, table `vc.slack_ledger`: one row per (round, group, message) saying whether it
was sent, where (channel) and when (message timestamp). Each change is committed at once, so a
run that dies mid-way leaves an exact record for the next launch to resume from."""

import datetime as dt
from typing import NamedTuple

import duckdb
import pandas as pd

from vc_pipeline.schemas import SlackLedger, columns_of
from vc_pipeline.store.tables import qualified, run_sql

_SQL_TYPES = {"round": "DATE", "group_id": "INTEGER", "message": "TEXT", "status": "TEXT", "channel": "TEXT",
              "message_ts": "TEXT", "members_reached": "INTEGER", "missing_member_ids": "TEXT", "error": "TEXT",
              "updated_at": "TIMESTAMP"}
LEDGER_COLUMNS = columns_of(SlackLedger)


class Entry(NamedTuple):
    """One ledger row of a group's message."""

    status: str
    channel: str | None
    message_ts: str | None
    members_reached: int
    missing_member_ids: str
    error: str


class Ledger:
    """The ledger rows of one round, read and written on a store connection."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, round_date: dt.date):
        self.connection, self.round = connection, round_date
        self.table = qualified(connection, "slack_ledger")
        columns = ", ".join(f"{c} {_SQL_TYPES[c]}" for c in LEDGER_COLUMNS)
        run_sql(connection, f"CREATE SCHEMA IF NOT EXISTS {self.table.rsplit('.', 1)[0]}")
        run_sql(connection, f"CREATE TABLE IF NOT EXISTS {self.table} ({columns}, PRIMARY KEY (round, group_id, message))")

    def get(self, group_id: int, message: str) -> Entry | None:
        rows = self.connection.execute(
            f"SELECT {', '.join(Entry._fields)} FROM {self.table} WHERE round = ? AND group_id = ? AND message = ?",
            [self.round, group_id, message]).fetchall()
        return Entry(*rows[0]) if rows else None

    def put(self, group_id: int, message: str, entry: Entry) -> None:
        """Record `entry` for the group's message (replacing what was there), committed at once."""
        values = [self.round, group_id, message, *entry, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)]
        run_sql(self.connection, f"INSERT OR REPLACE INTO {self.table} ({', '.join(LEDGER_COLUMNS)}) "
                                 f"VALUES ({', '.join('?' * len(LEDGER_COLUMNS))})", values)

    def rows(self, message: str | None = None) -> pd.DataFrame:
        """The round's ledger rows (of one message kind, when given), by group id."""
        where, params = ("AND message = ?", [message]) if message else ("", [])
        return self.connection.execute(f"SELECT * FROM {self.table} WHERE round = ? {where} ORDER BY group_id, message",
                                       [self.round, *params]).fetchdf()
