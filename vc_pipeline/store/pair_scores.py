"""Read a round's pair scores from the store as numbers, without a Python object per row.

A 5,000-member round has 12.5 million pairs: read as a DataFrame of member-id strings it takes
gigabytes, so the pairing reads index and score arrays instead.
"""

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from vc_pipeline.scoring.pair_scores import COMPONENTS
from vc_pipeline.store.tables import qualified


def score_matrix_array(connection: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime,
                       member_ids: list[str]) -> np.ndarray:
    """The N×N symmetric score matrix over `member_ids` (their order) from the round's
    score_matrix rows; 0 where a pair has no row."""
    connection.register("round_members", pd.DataFrame({"member_id": member_ids, "idx": np.arange(len(member_ids))}))
    try:
        found = connection.execute(
            f"SELECT a.idx AS a, b.idx AS b, s.score FROM {qualified(connection, 'score_matrix')} s "
            "JOIN round_members a ON s.member_a = a.member_id JOIN round_members b ON s.member_b = b.member_id "
            "WHERE s.round >= ? AND s.round < ?", [start, end]).fetchnumpy()
    finally:
        connection.unregister("round_members")
    scores = np.zeros((len(member_ids), len(member_ids)))
    scores[found["a"], found["b"]] = found["score"]
    scores[found["b"], found["a"]] = found["score"]
    return scores


def pair_components(connection: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime,
                    pairs: pd.DataFrame) -> pd.DataFrame:
    """The score components of the given pairs (`member_a` < `member_b`), one row per pair found."""
    connection.register("wanted_pairs", pairs[["member_a", "member_b"]])
    try:
        return connection.execute(
            f"SELECT s.member_a, s.member_b, {', '.join('s.' + c for c in COMPONENTS)} "
            f"FROM {qualified(connection, 'score_matrix')} s JOIN wanted_pairs w USING (member_a, member_b) "
            "WHERE s.round >= ? AND s.round < ?", [start, end]).fetchdf()
    finally:
        connection.unregister("wanted_pairs")
