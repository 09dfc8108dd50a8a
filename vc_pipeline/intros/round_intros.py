"""round_intros: one name-free intro per group of a round (why, 2–3 conversation starters, what to
do next, the meeting window), written by OpenAI when configured and offline otherwise."""

import datetime as dt

import pandas as pd

from vc_pipeline.export.meeting_window import meeting_window
from vc_pipeline.intros.offline import MAX_ICEBREAKERS, offline_intro
from vc_pipeline.intros.render import MEETING_KINDS
from vc_pipeline.llm.structured import LlmReport, LlmSettings, ResponseCache
from vc_pipeline.schemas import RoundIntros, columns_of

PROFILE_COLUMNS = ("role", "career_stage", "summary", "skills", "buddy_preferences", "has_wish",
                   "wants_similar_role", "time_zone")
INTRO_COLUMNS = columns_of(RoundIntros)


class UnknownMembers(ValueError):
    """A paired member has no profile in normalized_members (a bug: both come from one round)."""


def group_profiles(pairing: pd.DataFrame, normalized_members: pd.DataFrame) -> pd.DataFrame:
    """One row per member of `pairing` (ilp_pairing rows), ordered by group_id then member_id: the
    pairing's columns (without `round`) plus the profile columns of normalized_members."""
    profiles = normalized_members[["member_id", *PROFILE_COLUMNS]]
    people = pairing.drop(columns=["round"], errors="ignore").merge(profiles, on="member_id", how="left",
                                                                     validate="one_to_one")
    if people["role"].isna().any():
        raise UnknownMembers(f"{int(people['role'].isna().sum())} paired members have no profile")
    return people.sort_values(["group_id", "member_id"], kind="stable").reset_index(drop=True)


def group_windows(people: pd.DataFrame, round_date: dt.date) -> dict[int, str]:
    """Each group's meeting window in the round ("" for a bye, or when a member's place is unknown)."""
    windows = {}
    for group_id, group in people.groupby("group_id", sort=False):
        zones = [zone if isinstance(zone, str) else None for zone in group["time_zone"]]
        windows[int(group_id)] = meeting_window(zones, round_date) if group["kind"].iloc[0] in MEETING_KINDS else ""
    return windows


def _row(group_id: int, group: pd.DataFrame, intro: dict, writer: str, window: str) -> dict:
    starters = list(intro["icebreakers"]) + [None] * (MAX_ICEBREAKERS - len(intro["icebreakers"]))
    return {"group_id": group_id, "kind": group["kind"].iloc[0], "members": len(group), "writer": writer,
            "why": intro["why"], **{f"icebreaker_{k}": s for k, s in enumerate(starters, start=1)},
            "message": intro["message"], "meeting_window": window}


def write_round_intros(pairing: pd.DataFrame, normalized_members: pd.DataFrame, round_date: dt.date,
                       llm: tuple[LlmSettings, ResponseCache] | None = None) -> tuple[pd.DataFrame, LlmReport | None]:
    """The round's intros, one row per group by group id (RoundIntros columns but `round`), and the
    OpenAI report (None offline). With `llm` (settings, cache), pairs and triads are written by the
    model; a group it did not answer usably, and every bye, is written offline."""
    people = group_profiles(pairing, normalized_members)
    groups = {int(g): group for g, group in people.groupby("group_id", sort=True)}
    answers, report = {}, None
    if llm is not None:
        from vc_pipeline.intros.llm_writer import write_with_llm

        meeting = {f"g{g}": group for g, group in groups.items() if group["kind"].iloc[0] in MEETING_KINDS}
        answers, report = write_with_llm(meeting, *llm)
    windows = group_windows(people, round_date)
    rows = []
    for group_id, group in groups.items():
        answer = answers.get(f"g{group_id}")
        intro = answer.model_dump(exclude={"ref"}) if answer else offline_intro(group)
        rows.append(_row(group_id, group, intro, "openai" if answer else "offline", windows[group_id]))
    return pd.DataFrame(rows, columns=[c for c in INTRO_COLUMNS if c != "round"]), report
