"""Turn a round's respondents into members: synthetic (default) or passthrough, never with PII."""

import random
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field

from vc_pipeline.errors import check_member_mode
from vc_pipeline.members.llm_paraphrase import LlmReport, LlmSettings, MemberText, ResponseCache, paraphrase_with_llm
from vc_pipeline.members.names import fabricate_name
from vc_pipeline.members.paraphrase import paraphrase_skills, paraphrase_text
from vc_pipeline.members.pseudonym import member_id, seed_of
from vc_pipeline.members.redact import redact_own_details
from vc_pipeline.profile.geography import NEIGHBOURS, REPRESENTATIVE_LOCATIONS, locate
from vc_pipeline.profile.taxonomy import ROLE_TITLES, map_career_stage, map_role, stage_label
from vc_pipeline.schemas import SyntheticMembers, columns_of
from vc_pipeline.survey.form import FREE_TEXT_COLUMNS, PII_COLUMNS, SHAREABLE_COLUMNS
from vc_pipeline.survey.latest import latest_submissions

MembersMode = Literal["synthetic", "passthrough"]

MEMBER_COLUMNS = columns_of(SyntheticMembers)


class NoiseRates(BaseModel):
    """Chance that a synthetic member's attribute is moved away from its seed respondent's."""

    location: float = Field(0.15, ge=0, le=1, description="move to a neighbouring region")
    career_stage: float = Field(0.2, ge=0, le=1, description="one career stage up or down")
    role_title: float = Field(0.3, ge=0, le=1, description="another title for the same role")


class Members(BaseModel, arbitrary_types_allowed=True):
    """A round's members plus the counts worth reporting (no member values)."""

    table: pd.DataFrame
    respondents: int
    duplicate_submissions: int
    llm: LlmReport | None = None


@dataclass
class LlmParaphraser:
    """The OpenAI path: its settings and the cache of its answers."""

    settings: LlmSettings
    cache: ResponseCache


def _shareable(respondents: pd.DataFrame) -> pd.DataFrame:
    """Only the allowlisted fields, with each respondent's own details redacted from free text."""
    shared = respondents[list(SHAREABLE_COLUMNS)].copy()
    pii = respondents[list(PII_COLUMNS)].to_dict("records")
    for column in FREE_TEXT_COLUMNS:
        shared[column] = [redact_own_details(t, **p) for t, p in zip(shared[column], pii)]
    return shared


def passthrough_members(respondents: pd.DataFrame, key: str) -> pd.DataFrame:
    """The respondents themselves, PII dropped, with pseudonymous ids and display names."""
    table = _shareable(respondents)
    ids = [member_id(e, key) for e in respondents["email"]]
    table.insert(0, "round", respondents["round"].to_numpy())
    table.insert(1, "member_id", ids)
    table.insert(2, "display_name", [f"Member {i[:6]}" for i in ids])
    return table[MEMBER_COLUMNS]


def _seed_slots(emails: list[str], key: str) -> list[tuple[int, int]]:
    """Draw len(emails) (respondent, slot) seeds without replacement from two slots each.

    Ranking by keyed hash, not by round, keeps a returning person's members stable across rounds.
    """
    slots = [(i, s) for i in range(len(emails)) for s in (0, 1)]
    slots.sort(key=lambda slot: member_id(emails[slot[0]], key, namespace=f"slot-{slot[1]}"))
    return sorted(slots[: len(emails)])


def _noisy_profile(row: dict, rng: random.Random, noise: NoiseRates) -> dict:
    role = map_role(row["role"]) or "Other"
    if rng.random() < noise.role_title:
        row["role"] = rng.choice(ROLE_TITLES[role])
    stage = map_career_stage(row["career_stage"])
    if stage is not None and rng.random() < noise.career_stage:
        row["career_stage"] = stage_label(min(6, max(1, stage + rng.choice((-1, 1)))))
    region = locate(row["location"]).region
    if region != "Unknown" and rng.random() < noise.location:
        region = rng.choice(NEIGHBOURS[region])
        row["location"] = rng.choice(REPRESENTATIVE_LOCATIONS[region])
    return row


def _paraphrase(rows: list[dict], seeds: list[tuple[int, int, int]], llm: LlmParaphraser | None) -> LlmReport | None:
    """Paraphrase every row's free text in place: through the model when configured, offline for
    every record the model did not answer (and for all of them without a model)."""
    answers, report = {}, None
    if llm is not None:
        texts = [MemberText(ref=f"m{i}", summary=r["summary"], skills=r["skills"], buddy_preferences=r["buddy_preferences"])
                 for i, r in enumerate(rows)]
        answers, report = paraphrase_with_llm(texts, llm.settings, llm.cache)
    for i, (row, (summary_seed, wish_seed, skills_seed)) in enumerate(zip(rows, seeds)):
        answer = answers.get(f"m{i}")
        if answer is not None:
            row.update(summary=answer.summary, skills=answer.skills, buddy_preferences=answer.buddy_preferences)
        else:
            row.update(summary=paraphrase_text(row["summary"], summary_seed),
                       buddy_preferences=paraphrase_text(row["buddy_preferences"], wish_seed),
                       skills=paraphrase_skills(row["skills"], skills_seed))
    return report


def synthetic_members(respondents: pd.DataFrame, key: str, noise: NoiseRates | None = None,
                      llm: LlmParaphraser | None = None) -> tuple[pd.DataFrame, LlmReport | None]:
    """Fabricated members drawn from the respondents (each seeds at most two): paraphrased free
    text, noisy location/stage/role title, fabricated names. Same size as the respondents."""
    noise = noise or NoiseRates()
    shared = _shareable(respondents).to_dict("records")
    emails = list(respondents["email"])
    taken = {n.strip().casefold() for n in respondents["name"] if n}
    rows, seeds = [], []
    for index, slot in _seed_slots(emails, key):
        mid = member_id(emails[index], key, namespace=f"synthetic-{slot}")
        rng = random.Random(seed_of(mid))
        row = _noisy_profile(dict(shared[index]), rng, noise)
        seeds.append((rng.randrange(2**32), rng.randrange(2**32), rng.randrange(2**32)))
        name = fabricate_name(locate(row["location"]).region, seed_of(mid) % 2**31, taken)
        taken.add(name.casefold())
        rows.append({"round": respondents["round"].iloc[index], "member_id": mid, "display_name": name, **row})
    report = _paraphrase(rows, seeds, llm)
    return pd.DataFrame(rows, columns=MEMBER_COLUMNS), report


def build_members(raw: pd.DataFrame, mode: MembersMode, key: str, noise: NoiseRates | None = None,
                  llm: LlmParaphraser | None = None) -> Members:
    """The round's members from its raw survey rows, in the given mode (`llm`: synthetic mode
    paraphrases through OpenAI; passthrough never calls a model)."""
    respondents = latest_submissions(raw)
    duplicates = len(raw) - len(respondents)
    report = None
    if mode == "passthrough":
        table = passthrough_members(respondents, key)
    elif mode == "synthetic":
        table, report = synthetic_members(respondents, key, noise, llm)
    else:
        check_member_mode(mode)
    return Members(table=table, respondents=len(respondents), duplicate_submissions=duplicates, llm=report)
