"""Pandera models of every stored table, one per asset, and a privacy-safe validation summary."""

import re
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from vc_pipeline.feedback.form import LABELS as FEEDBACK_LABELS
from vc_pipeline.pairing.rule_order import SETBACKS
from vc_pipeline.profile.geography import REGIONS
from vc_pipeline.survey.form import KEEP_REGISTERED, ROLES

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MEMBER_ID = r"^[0-9a-f]{16}$"
EMBEDDING_DIM = 384


class RoundTable(pa.DataFrameModel):
    """Rows of one round; strict, so no column beyond the model's (no PII) can appear."""

    round: Series[pa.Date] = pa.Field(nullable=False)

    class Config:
        strict = True


class MemberRows(RoundTable):
    """One row per member of the round."""

    member_id: Series[str] = pa.Field(str_matches=_MEMBER_ID, unique=True)


class RawSurvey(RoundTable):
    """raw_survey: one row per submission, as exported (the only table holding PII)."""

    source_row: Series[int] = pa.Field(ge=1, unique=True)
    respondent_id: Series[str]
    submitted_at: Series[str]
    name: Series[str]
    email: Series[str]
    slack_handle: Series[str]
    linkedin_url: Series[str]
    company: Series[str]
    role: Series[str] = pa.Field(str_length={"min_value": 1})
    career_stage: Series[str]
    location: Series[str]
    buddy_preference: Series[str]
    summary: Series[str]
    skills: Series[str]
    buddy_preferences: Series[str]
    keep_registered: Series[str] = pa.Field(isin=[*KEEP_REGISTERED, ""])
    carried_over: Series[bool]

    @pa.check("email", name="is an email address")
    def _email(cls, email: Series[str]) -> Series[bool]:
        return email.map(lambda e: bool(_EMAIL.match(e)))

    @pa.check("submitted_at", name="is a timestamp")
    def _timestamp(cls, submitted_at: Series[str]) -> Series[bool]:
        return pd.to_datetime(submitted_at, errors="coerce", format="mixed").notna()



class RawFeedback(RoundTable):
    """raw_feedback: the feedback form's rows as exported (PII: emails and comments stay here)."""

    source_row: Series[int] = pa.Field(ge=1, unique=True)
    email: Series[str]
    met: Series[str]
    rating: Series[str]
    comment: Series[str]


class RoundFeedback(MemberRows):
    """round_feedback: one row per answering member: what they answered and their rating."""

    answer: Series[str] = pa.Field(isin=list(FEEDBACK_LABELS))
    rating: Series[float] = pa.Field(ge=1, le=5, nullable=True)


class SyntheticMembers(MemberRows):
    """synthetic_members: the privacy boundary; members with pseudonymous ids and no PII."""

    display_name: Series[str] = pa.Field(str_length={"min_value": 1})
    role: Series[str]
    career_stage: Series[str]
    location: Series[str]
    buddy_preference: Series[str]
    summary: Series[str]
    skills: Series[str]
    buddy_preferences: Series[str]
    keep_registered: Series[str]



class NormalizedMembers(MemberRows):
    """normalized_members: profiles on fixed vocabularies, missing values explicit."""

    display_name: Series[str] = pa.Field(str_length={"min_value": 1})
    role: Series[str] = pa.Field(isin=list(ROLES))
    role_recognised: Series[bool]
    career_stage: Series[int] = pa.Field(ge=1, le=6)
    career_stage_known: Series[bool]
    region: Series[str] = pa.Field(isin=list(REGIONS))
    time_zone: Series[str] = pa.Field(nullable=True)
    utc_offset: Series[float] = pa.Field(ge=-12, le=14, nullable=True)
    wants_similar_role: Series[bool]
    summary: Series[str]
    skills: Series[str]
    buddy_preferences: Series[str]
    has_wish: Series[bool]



class Embeddings(MemberRows):
    """embeddings: unit vectors of each member's profile text and (if any) wish text."""

    has_wish: Series[bool]
    profile: Series[object]
    wish: Series[object]

    @pa.check("profile", "wish", name=f"is a {EMBEDDING_DIM}-d finite vector")
    def _vector(cls, vectors: Series[object]) -> Series[bool]:
        return vectors.map(lambda v: len(v) == EMBEDDING_DIM and bool(np.isfinite(np.asarray(v)).all()))



class ScoreWeightsUsed(RoundTable):
    """score_weights: the weights the round is scored with (hand or learned), and why."""

    parameter: Series[str] = pa.Field(unique=True)
    hand: Series[float] = pa.Field(ge=0)
    learned: Series[float] = pa.Field(ge=0, nullable=True)
    weight: Series[float] = pa.Field(ge=0)
    source: Series[str] = pa.Field(isin=["hand", "learned"])
    reason: Series[str] = pa.Field(str_length={"min_value": 1})
    rated_pairs: Series[int] = pa.Field(ge=0)
    heldout_rounds: Series[int] = pa.Field(ge=0)
    spearman_hand: Series[float] = pa.Field(nullable=True)
    spearman_learned: Series[float] = pa.Field(nullable=True)
    top_share_hand: Series[float] = pa.Field(nullable=True)
    top_share_learned: Series[float] = pa.Field(nullable=True)


class ScoreMatrix(RoundTable):
    """score_matrix: one row per unordered pair (member_a < member_b), score and its components.
    Member ids are categoricals (millions of rows, N distinct ids): the format is checked once per id."""

    member_a: Series[pa.Category] = pa.Field(str_matches=_MEMBER_ID)
    member_b: Series[pa.Category] = pa.Field(str_matches=_MEMBER_ID)
    score: Series[float] = pa.Field(ge=0)
    preference: Series[float] = pa.Field(ge=0, le=1)
    skills: Series[float] = pa.Field(ge=0, le=1)
    role: Series[float] = pa.Field(ge=0, le=1)
    experience: Series[float] = pa.Field(ge=0, le=1)
    location: Series[float] = pa.Field(ge=0, le=1)
    preference_met: Series[float] = pa.Field(ge=0, le=1)

    @pa.dataframe_check(name="member_a < member_b, each pair once")
    def _ordered_unique(cls, table: pd.DataFrame) -> Series[bool]:
        # ranks among the sorted distinct ids, not string pairs: a big round has millions of rows
        columns = [pd.Categorical(table[c]) for c in ("member_a", "member_b")]
        ids = columns[0].categories.union(columns[1].categories)
        a, b = (np.where(c.codes >= 0, ids.get_indexer(c.categories)[c.codes], -1) for c in columns)
        pair_code = pd.Series(a.astype(np.int64) * (len(ids) + 1) + b, index=table.index)
        return pd.Series((a >= 0) & (a < b), index=table.index) & ~pair_code.duplicated()


class IlpPairing(MemberRows):
    """ilp_pairing: one row per member: its group, partner(s), score and why, and its backups."""

    group_id: Series[int] = pa.Field(ge=0)
    kind: Series[str] = pa.Field(isin=["pair", "triad", "bye", "unpaired"])
    partner_id: Series[str] = pa.Field(nullable=True)
    score: Series[float] = pa.Field(nullable=True)
    fit_preference: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    fit_skills: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    fit_role: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    fit_experience: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    fit_location: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    fit_preference_met: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    low_quality: Series[bool]
    violations: Series[str]
    setback: Series[str] = pa.Field(nullable=True, isin=list(SETBACKS))
    backup_1: Series[str] = pa.Field(nullable=True)
    backup_2: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="group size matches kind")
    def _group_sizes(cls, table: pd.DataFrame) -> Series[bool]:
        size = table.groupby("group_id")["member_id"].transform("size")
        expected = table["kind"].map({"pair": 2, "triad": 3, "bye": 1, "unpaired": 1})
        return size == expected


class FinalPairing(MemberRows):
    """final_pairing: who really met: the planned pairing with no-shows removed and their buddies re-paired."""

    group_id: Series[int] = pa.Field(ge=0)
    kind: Series[str] = pa.Field(isin=["pair", "triad", "bye", "unpaired", "no_show"])
    partner_id: Series[str] = pa.Field(nullable=True)
    source: Series[str] = pa.Field(isin=["planned", "backup", "rematch", "no_show", "unpaired"])


class RoundIntros(RoundTable):
    """round_intros: one intro per group, name-free (members appear as {member_1}, ...)."""

    group_id: Series[int] = pa.Field(ge=0, unique=True)
    kind: Series[str] = pa.Field(isin=["pair", "triad", "bye", "unpaired"])
    members: Series[int] = pa.Field(ge=1, le=3)
    writer: Series[str] = pa.Field(isin=["openai", "offline"])
    why: Series[str] = pa.Field(str_length={"min_value": 1})
    icebreaker_1: Series[str] = pa.Field(nullable=True)
    icebreaker_2: Series[str] = pa.Field(nullable=True)
    icebreaker_3: Series[str] = pa.Field(nullable=True)
    message: Series[str]
    meeting_window: Series[str]

    @pa.dataframe_check(name="pairs and triads have 2-3 conversation starters")
    def _starters(cls, table: pd.DataFrame) -> Series[bool]:
        meets = table["kind"].isin(["pair", "triad"])
        return ~meets | (table["icebreaker_1"].notna() & table["icebreaker_2"].notna())


class SlackLedger(RoundTable):
    """slack_ledger: what was sent in Slack, one row per (group, message); no name, email or handle."""

    group_id: Series[int] = pa.Field(ge=0)
    message: Series[str] = pa.Field(isin=["intro", "checkin"])
    status: Series[str] = pa.Field(isin=["sending", "sent", "unreachable", "failed"])
    channel: Series[str] = pa.Field(nullable=True)
    message_ts: Series[str] = pa.Field(nullable=True)
    members_reached: Series[int] = pa.Field(ge=0, le=3)
    missing_member_ids: Series[str]
    error: Series[str]
    updated_at: Series[pa.DateTime]

    @pa.dataframe_check(name="a sent message has its channel and timestamp")
    def _sent(cls, table: pd.DataFrame) -> Series[bool]:
        return (table["status"] != "sent") | (table["channel"].notna() & table["message_ts"].notna())


class FairnessReport(RoundTable):
    """fairness_report: one row per metric of the round."""

    metric: Series[str] = pa.Field(unique=True)
    value: Series[float] = pa.Field(nullable=True)



def columns_of(model: type[pa.DataFrameModel]) -> list[str]:
    """The model's columns in declaration order (inherited first): what code that builds or reads
    the table uses, so each table's columns are declared once, here."""
    return list(model.to_schema().columns)


class Failure(NamedTuple):
    """One failed check: which column, which check, how many rows, and the first row numbers."""

    column: str
    check: str
    count: int
    rows: list[int]


def schema_failures(model: type[pa.DataFrameModel], table: pd.DataFrame, row_numbers: pd.Series | None = None) -> list[Failure]:
    """Validate `table` against `model`; return one Failure per (column, check), no cell values.

    `row_numbers` maps the table's index to the row numbers people know (e.g. the file's rows).
    """
    try:
        model.validate(table, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    # a missing or unexpected column is reported under the column's own name (a header, not a value)
    structural = cases["check"].isin(["column_in_schema", "column_in_dataframe"])
    cases = cases.assign(column=cases["column"].where(~structural, cases["failure_case"].astype(str)))
    failures = []
    for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=True):
        index = group["index"].dropna()
        rows = [int(row_numbers.loc[i]) if row_numbers is not None else int(i) for i in index]
        failures.append(Failure(str(column) if pd.notna(column) else "(table)", str(check), len(group), sorted(rows)[:10]))
    return failures
