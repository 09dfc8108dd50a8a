"""Carry-over: respondents who asked to stay registered join later rounds without re-submitting.

On the form, "Keep me registered for all future rounds." = "Yes" means the person takes part in
every later round. For a round, `carried_over` takes each person's latest submission from the
EARLIER rounds stored in `raw_survey` and restates it as a row of this round when that latest
answer is "Yes" and the person did not submit this round (a new submission always wins, whatever
it says). Plain logic, no Dagster: the `raw_survey` asset calls `with_carry_over` on the export it
has just read.

Rows carried over keep the person's latest earlier answers (and their `submitted_at`), get the
round's date as `round`, `source_row` numbers after the export's own rows (so row numbers stay
unique within the round; they do not point into the export file), `keep_registered` spelled as
the form's "Yes" (the match ignores case and spaces) and `carried_over` = True. The
caller marks the export's own rows `carried_over` = False (`with_carry_over` does both).
"""

import datetime as dt

import duckdb
import pandas as pd

from vc_pipeline.schemas import RawSurvey, columns_of
from vc_pipeline.store.tables import qualified, table_exists
from vc_pipeline.survey.form import COLUMNS, KEEP_REGISTERED
from vc_pipeline.survey.latest import latest_submissions, person_key

SOURCE_TABLE = "raw_survey"
CARRIED_COLUMNS = columns_of(RawSurvey)
RAW_COLUMNS = [c for c in CARRIED_COLUMNS if c != "carried_over"]
KEEP_ANSWER = "yes"


def _keeps_registration(answer: object) -> bool:
    """Exactly "Yes", ignoring case and surrounding or repeated spaces."""
    return isinstance(answer, str) and " ".join(answer.split()).casefold() == KEEP_ANSWER


def _empty() -> pd.DataFrame:
    table = pd.DataFrame({column: pd.Series(dtype="object") for column in COLUMNS})
    table.insert(0, "round", pd.Series(dtype="object"))
    table.insert(1, "source_row", pd.Series(dtype="int64"))
    table["carried_over"] = pd.Series(dtype="bool")
    return table


def earlier_submissions(connection: duckdb.DuckDBPyConnection, round_date: dt.date) -> pd.DataFrame:
    """Every stored `raw_survey` row of a round before `round_date` (the raw columns only; empty
    when the table does not exist yet), `round` as datetime.date."""
    if not table_exists(connection, SOURCE_TABLE):
        return _empty()[RAW_COLUMNS]
    rows = connection.execute(
        f"SELECT * FROM {qualified(connection, SOURCE_TABLE)} WHERE round < ?", [round_date]
    ).fetchdf()
    missing = [c for c in RAW_COLUMNS if c not in rows.columns]
    if missing:
        raise LookupError(f"table vc.{SOURCE_TABLE} has no column(s) {missing}; expected the raw survey columns")
    rows = rows[RAW_COLUMNS].copy()
    rows["round"] = pd.Series([t.date() for t in pd.to_datetime(rows["round"])], index=rows.index, dtype="object")
    return rows


def carried_over(connection: duckdb.DuckDBPyConnection, round_date: dt.date, current: pd.DataFrame) -> pd.DataFrame:
    """The rows to add to round `round_date` for people who asked to stay registered.

    From the `raw_survey` rows of earlier rounds (round < round_date), each person's latest
    submission whose `keep_registered` is "Yes", unless that person submitted in `current` (the
    round's own export rows, raw_survey columns). Returns the raw_survey columns with `round` =
    round_date, `source_row` numbered after `current`'s highest, `keep_registered` = "Yes" and
    `carried_over` = True;
    empty when nobody is carried (or the table does not exist yet). The caller adds
    `carried_over` = False to `current`'s rows (see `with_carry_over`).
    """
    earlier = earlier_submissions(connection, round_date)
    if earlier.empty:
        return _empty()
    latest = latest_submissions(earlier)
    present = set(current["email"].map(person_key)) if "email" in current else set()
    carried = latest[latest["keep_registered"].map(_keeps_registration) & ~latest["email"].map(person_key).isin(present)]
    if carried.empty:
        return _empty()
    numbers = pd.to_numeric(current["source_row"], errors="coerce") if "source_row" in current else pd.Series(dtype=float)
    first = int(numbers.max()) + 1 if numbers.notna().any() else 1
    table = carried[COLUMNS].astype("object").where(carried[COLUMNS].notna(), "").reset_index(drop=True)
    # the answer that carried them, spelled as the form does (" yes " would fail RawSurvey's isin)
    table["keep_registered"] = KEEP_REGISTERED[0]
    table.insert(0, "round", pd.Series([round_date] * len(table), dtype="object"))
    table.insert(1, "source_row", pd.Series(range(first, first + len(table)), dtype="int64"))
    table["carried_over"] = pd.Series([True] * len(table), dtype="bool")
    return table


def with_carry_over(connection: duckdb.DuckDBPyConnection, round_date: dt.date, current: pd.DataFrame) -> pd.DataFrame:
    """The round's own rows (`carried_over` = False) followed by the carried-over rows, one frame."""
    own = current.assign(carried_over=pd.Series(False, index=current.index, dtype="bool"))
    carried = carried_over(connection, round_date, current)
    if carried.empty:
        return own.reset_index(drop=True)
    if own.empty:
        return carried
    return pd.concat([own, carried], ignore_index=True)
