"""normalized_members: members' answers mapped onto the taxonomy, with missing values explicit."""

import datetime as dt
import re
from collections import Counter

import pandas as pd
from pydantic import BaseModel

from vc_pipeline.profile.geography import locate, utc_offset
from vc_pipeline.profile.taxonomy import map_career_stage, map_role, wants_similar_role
from vc_pipeline.schemas import NormalizedMembers, columns_of

# A member who left the stage blank is placed at the form's middle stage (3-5 Years) and flagged.
DEFAULT_CAREER_STAGE = 4
MAX_TEXT_CHARS = 2000
# The unrecognised places listed in the metadata (a place is not PII, but the list stays readable).
MAX_UNRECOGNISED_PLACES = 50
CONTACT_WITHHELD = "(withheld: looks like a contact detail)"
_CONTACT_LIKE = re.compile(r"@|https?:|www\.|linkedin", re.IGNORECASE)

NORMALIZED_COLUMNS = columns_of(NormalizedMembers)


class NormalizationCounts(BaseModel):
    """What normalization had to guess, for the asset's metadata (counts, no values)."""

    members: int
    roles_unrecognised: int
    career_stages_missing: int
    locations_unknown: int
    wishes_blank: int
    places_placed_share: float
    places_with_time_zone_share: float
    places_unrecognised: dict[str, int]


def _shown(place_text: str) -> str:
    text = " ".join(place_text.split())
    return CONTACT_WITHHELD if _CONTACT_LIKE.search(text) else text


def unrecognised_places(locations: pd.Series, places: pd.Series) -> dict[str, int]:
    """The distinct non-blank places that gave neither a region nor a time zone, with how many
    members wrote each, most written first (ties alphabetical), at most MAX_UNRECOGNISED_PLACES.
    A text that looks like a contact detail (an @ or a link) is counted but not shown."""
    missed = Counter(_shown(str(text)) for text, place in zip(locations, places)
                     if str(text).strip() and place.region == "Unknown" and place.time_zone is None)
    ranked = sorted(missed.items(), key=lambda item: (-item[1], item[0].casefold()))
    return dict(ranked[:MAX_UNRECOGNISED_PLACES])


def _share(flags: pd.Series) -> float:
    return round(float(flags.mean()), 4) if len(flags) else 0.0


def clean_text(text: str) -> str:
    """Whitespace collapsed, control characters dropped, bounded to MAX_TEXT_CHARS."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text or "")
    return re.sub(r"\s+", " ", text).strip()[:MAX_TEXT_CHARS]


def clean_list(text: str) -> str:
    """A list answer (skills) with one item per line or separated by `;`/`•` as a comma list."""
    items = re.split(r"\s*(?:\r?\n|;|•)\s*", text or "")
    return clean_text(", ".join(i for i in items if i.strip()))


def normalize_members(members: pd.DataFrame, round_date: dt.date) -> tuple[pd.DataFrame, NormalizationCounts]:
    """Map synthetic_members rows onto fixed vocabularies, with each member's UTC offset the one
    in force on `round_date` (the round's start); returns the table and what was guessed."""
    roles = members["role"].map(map_role)
    stages = members["career_stage"].map(map_career_stage)
    locations = members["location"].fillna("").astype(str)
    places = locations.map(locate)
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
        "time_zone": pd.Series([p.time_zone for p in places], dtype=object).to_numpy(),
        "utc_offset": pd.Series([utc_offset(p.time_zone, round_date) for p in places], dtype="float64").to_numpy(),
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
        locations_unknown=int(((table["region"] == "Unknown") & table["time_zone"].isna()).sum()),
        wishes_blank=int((~table["has_wish"]).sum()),
        places_placed_share=_share((table["region"] != "Unknown") | table["time_zone"].notna()),  # blank: not placed
        places_with_time_zone_share=_share(table["time_zone"].notna()),
        places_unrecognised=unrecognised_places(locations, places),
    )
    return table, counts
