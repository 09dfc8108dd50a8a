"""normalized_members: members' answers mapped onto the taxonomy, with missing values explicit."""

import re

import pandas as pd
from pydantic import BaseModel

from vc_pipeline.profile.geography import locate
from vc_pipeline.profile.taxonomy import map_career_stage, map_role, wants_similar_role

# A member who left the stage blank is placed at the form's middle stage (3-5 Years) and flagged.
DEFAULT_CAREER_STAGE = 4
MAX_TEXT_CHARS = 2000

NORMALIZED_COLUMNS = [
    "round", "member_id", "display_name", "role", "role_recognised", "career_stage",
    "career_stage_known", "region", "utc_offset", "wants_similar_role", "summary", "skills",
    "buddy_preferences", "has_wish",
]


class NormalizationCounts(BaseModel):
    """What normalization had to guess, for the asset's metadata (counts, no values)."""

    members: int
    roles_unrecognised: int
    career_stages_missing: int
    locations_unknown: int
    wishes_blank: int


def clean_text(text: str) -> str:
    """Whitespace collapsed, control characters dropped, bounded to MAX_TEXT_CHARS."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text or "")
    return re.sub(r"\s+", " ", text).strip()[:MAX_TEXT_CHARS]


def clean_list(text: str) -> str:
    """A list answer (skills) with one item per line or separated by `;`/`•` as a comma list."""
    items = re.split(r"\s*(?:\r?\n|;|•)\s*", text or "")
    return clean_text(", ".join(i for i in items if i.strip()))


def normalize_members(members: pd.DataFrame) -> tuple[pd.DataFrame, NormalizationCounts]:
    """Map synthetic_members rows onto fixed vocabularies; returns the table and what was guessed."""
    roles = members["role"].map(map_role)
    stages = members["career_stage"].map(map_career_stage)
    places = members["location"].map(locate)
    wishes = members["buddy_preferences"].map(clean_text)
    table = pd.DataFrame({
        "round": members["round"].to_numpy(),
        "member_id": members["member_id"].to_numpy(),
        "display_name": members["display_name"].to_numpy(),
        "role": roles.fillna("Other").to_numpy(),
        "role_recognised": roles.notna().to_numpy(),
        "career_stage": stages.fillna(DEFAULT_CAREER_STAGE).astype("int64").to_numpy(),
        "career_stage_known": stages.notna().to_numpy(),
        "region": [p.region for p in places],
        "utc_offset": pd.Series([p.utc_offset for p in places], dtype="float64").to_numpy(),
        "wants_similar_role": members["buddy_preference"].map(wants_similar_role).astype(bool).to_numpy(),
        "summary": members["summary"].map(clean_text).to_numpy(),
        "skills": members["skills"].map(clean_list).to_numpy(),
        "buddy_preferences": wishes.to_numpy(),
        "has_wish": (wishes != "").to_numpy(),
    }, columns=NORMALIZED_COLUMNS)
    counts = NormalizationCounts(
        members=len(table),
        roles_unrecognised=int((~table["role_recognised"]).sum()),
        career_stages_missing=int((~table["career_stage_known"]).sum()),
        locations_unknown=int((table["region"] == "Unknown").sum()),
        wishes_blank=int((~table["has_wish"]).sum()),
    )
    return table, counts
