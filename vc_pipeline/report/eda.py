"""The round at a glance: distributions of roles, career stages, regions, text lengths and blanks."""

import pandas as pd

from vc_pipeline.profile.geography import locate
from vc_pipeline.profile.taxonomy import map_career_stage, map_role, stage_label

TEXT_COLUMNS = ("summary", "skills", "buddy_preferences")


def _shares(values: pd.Series, name: str) -> pd.DataFrame:
    counts = values.value_counts(dropna=False)
    return pd.DataFrame({name: counts.index.astype(str), "members": counts.to_numpy(),
                         "share": (counts / max(1, counts.sum())).round(3).to_numpy()})


def text_lengths(frame: pd.DataFrame) -> pd.DataFrame:
    """Per free-text column: blanks, median and 90th-percentile length in characters."""
    rows = []
    for column in TEXT_COLUMNS:
        lengths = frame[column].fillna("").str.len()
        rows.append({"column": column, "blank": int((lengths == 0).sum()),
                     "median_chars": float(lengths.median()) if len(lengths) else 0.0,
                     "p90_chars": float(lengths.quantile(0.9)) if len(lengths) else 0.0})
    return pd.DataFrame(rows)


def survey_overview(raw: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """raw_survey at a glance, without a single identifying value: taxonomy roles, stages, regions,
    text lengths and blank answers per question."""
    stages = raw["career_stage"].map(map_career_stage).map(lambda s: stage_label(int(s)) if pd.notna(s) else "unknown")
    return {
        "roles": _shares(raw["role"].map(lambda r: map_role(r) or "unrecognised"), "role"),
        "career_stages": _shares(stages, "career_stage"),
        "regions": _shares(raw["location"].map(lambda x: locate(x).region), "region"),
        "text_lengths": text_lengths(raw),
        "blank_answers": pd.DataFrame({"question": raw.columns,
                                       "blank": [int((raw[c].astype(str).str.strip() == "").sum()) for c in raw.columns]}),
    }


def members_overview(members: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """normalized_members at a glance: roles, stages, regions, similar-role requests, text lengths."""
    return {
        "roles": _shares(members["role"], "role"),
        "career_stages": _shares(members["career_stage"].map(stage_label), "career_stage"),
        "regions": _shares(members["region"], "region"),
        "similar_role_requests": _shares(members["wants_similar_role"], "wants_similar_role"),
        "text_lengths": text_lengths(members),
    }
