"""Pairs that met in earlier rounds, from the stored ilp_pairing tables."""

import datetime as dt
import itertools

import duckdb

from vc_pipeline.store.tables import qualified, table_exists


def earlier_pairs(connection: duckdb.DuckDBPyConnection, round_date: dt.date) -> set[frozenset[str]]:
    """Every pair of member ids that shared a group (pair or triad) in a round before `round_date`."""
    if not table_exists(connection, "ilp_pairing"):
        return set()
    groups = connection.execute(
        f"SELECT list(member_id) FROM {qualified(connection, 'ilp_pairing')} "
        "WHERE round < ? AND kind <> 'bye' GROUP BY round, group_id",
        [round_date],
    ).fetchall()
    return {frozenset(pair) for (members,) in groups for pair in itertools.combinations(members, 2)}
