"""The rated coffees of earlier rounds: each pair or triad that met as planned, with the components
it was paired on and its members' mean rating."""

import datetime as dt

import duckdb
import pandas as pd

from vc_pipeline.scoring.learning import FITS
from vc_pipeline.store.tables import qualified, table_exists


def rated_pairs(connection: duckdb.DuckDBPyConnection, before: dt.date) -> pd.DataFrame:
    """`round, group_id, fit_*, rating` for every group of a round before `before` whose members
    (in their planned group, by final_pairing) said they met and gave a rating: the group's mean
    components (ilp_pairing) and the mean of those ratings; by round and group."""
    columns = ["round", "group_id", *FITS, "rating"]
    if not (table_exists(connection, "ilp_pairing") and table_exists(connection, "round_feedback")):
        return pd.DataFrame(columns=columns)
    pairing, feedback = qualified(connection, "ilp_pairing"), qualified(connection, "round_feedback")
    # a member re-paired after a no-show rated another coffee than the one planned
    planned = (f"AND (p.round, p.member_id) IN (SELECT round, member_id FROM {qualified(connection, 'final_pairing')} "
               "WHERE source = 'planned')" if table_exists(connection, "final_pairing") else "")
    fits = ", ".join(f"avg({c}) AS {c}" for c in FITS)
    return connection.execute(f"""
        WITH groups AS (SELECT round, group_id, {fits} FROM {pairing}
                        WHERE round < ? AND kind IN ('pair', 'triad') GROUP BY round, group_id),
             rated AS (SELECT p.round, p.group_id, avg(f.rating) AS rating
                       FROM {pairing} p JOIN {feedback} f USING (round, member_id)
                       WHERE p.round < ? AND f.answer = 'met' AND f.rating IS NOT NULL {planned}
                       GROUP BY p.round, p.group_id)
        SELECT {', '.join(columns)} FROM groups JOIN rated USING (round, group_id) ORDER BY round, group_id""",
                              [before, before]).fetchdf()
