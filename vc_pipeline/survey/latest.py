"""Each person's latest submission: the one rule for "who is this person now", used by the
privacy boundary, the organizer export and carry-over."""

import pandas as pd

from vc_pipeline.members.pseudonym import normalize_email


def person_key(email: object) -> str:
    """The person a submission belongs to: the normalized email ("" when blank or missing)."""
    return normalize_email(email if isinstance(email, str) else "")


def latest_submissions(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per person (normalized email; rows without an email dropped) from raw_survey rows:
    the latest round wins (when `rows` has a `round` column), then the latest `submitted_at`
    (unparseable counts as earliest; naive and offset timestamps compared in UTC), then the highest
    `source_row`. Returned in (round, source_row) order with a fresh index, columns as given."""
    ordered = rows.assign(
        _person=rows["email"].map(person_key),
        _round=pd.to_datetime(rows["round"]) if "round" in rows else 0,
        # utc=True: exports can mix naive and offset timestamps, which would not sort otherwise
        _at=pd.to_datetime(rows["submitted_at"], errors="coerce", format="mixed", utc=True),
    )
    ordered = ordered[ordered["_person"] != ""].sort_values(["_round", "_at", "source_row"], na_position="first",
                                                             kind="stable")
    latest = ordered.drop_duplicates("_person", keep="last").sort_values(["_round", "source_row"], kind="stable")
    return latest.drop(columns=["_person", "_round", "_at"]).reset_index(drop=True)
