"""Read a round's feedback export, `<VC_FEEDBACK_DIR>/<round>.csv`, as tolerantly as the sign-up
export (same encodings, header matching and named errors)."""

import datetime as dt
from pathlib import Path

import pandas as pd

from vc_pipeline.feedback.form import HEADERS
from vc_pipeline.survey.reader import SurveyError, read_form_export


class FeedbackError(SurveyError):
    """A feedback export that cannot be read; the message names file, row and column."""


def feedback_path(feedback_dir: str | Path, round_date: dt.date) -> Path:
    """The feedback export of a round: `<feedback_dir>/<YYYY-MM-DD>.csv`."""
    return Path(feedback_dir) / f"{round_date:%Y-%m-%d}.csv"


def read_feedback(path: str | Path, round_date: dt.date) -> pd.DataFrame:
    """The export as rows of `round, source_row, email, met, rating, comment` (all text as given,
    cleaned); no file yet, or a blank file, is no feedback (no rows), not an error. Raises
    FeedbackError naming file, row and column when the file is there but unreadable."""
    path = Path(path)
    columns = ["round", "source_row", *HEADERS.values()]
    if not path.is_file() or not path.read_bytes().strip():
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "source_row" else "object") for c in columns})
    return read_form_export(path, HEADERS, round_date, FeedbackError)
