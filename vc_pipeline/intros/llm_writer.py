"""Intros written by OpenAI structured outputs (used when OPENAI_API_KEY is set).

A request carries, per group, only what already crossed the privacy boundary: each member's role,
career stage and redacted summary, skills and wish, the reasons the matcher found and the skills
they share. Members appear only as placeholders ({member_1}, ...); names are put in locally when
the intro is rendered. An answer that is refused, truncated, malformed or uses a placeholder the
group lacks (or anything that looks like a contact) is not used: that group is written offline.
"""

import re
from collections.abc import Callable

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from vc_pipeline.intros.offline import MAX_ICEBREAKERS, MIN_ICEBREAKERS
from vc_pipeline.intros.reasons import placeholder, shared_skills, why_paired
from vc_pipeline.llm.structured import LlmReport, LlmSettings, ResponseCache, ask_in_batches
from vc_pipeline.profile.taxonomy import stage_label

PROMPT = (
    "You write the introduction message of a virtual coffee chat in a professional ML and MLOps community. "
    "For every group you get its members, named only by placeholders such as {member_1}, with what they wrote "
    "about themselves, the reasons our matcher paired them and the skills they share. Write three parts: "
    "`why`, one or two sentences on why these people were paired, grounded in the reasons and their profiles; "
    "`icebreakers`, two or three concrete conversation starters drawn from the skills they share, the wish "
    "the pairing meets, or what one member has done that another is moving towards; `message`, one or two "
    "friendly sentences on what to do next (say hello and find 30 minutes for a chat). Refer to members only "
    "by their placeholders, exactly as given. Never invent or add names, companies, places, emails, handles "
    "or links. Return every group with its ref."
)
MAX_PART_CHARS = 600
_PLACEHOLDER = re.compile(r"\{member_(\d+)\}")
# looked for once the placeholders are taken out: a contact, a link, or a mangled placeholder
_CONTACT_LIKE = re.compile(r"@|https?://|www\.|[{}]")


class MemberBrief(BaseModel):
    """One member as the model sees them: a placeholder and redacted profile fields."""

    model_config = ConfigDict(extra="forbid")
    placeholder: str
    role: str
    career_stage: str
    summary: str
    skills: str
    buddy_preferences: str


class GroupBrief(BaseModel):
    """What goes out for one group."""

    model_config = ConfigDict(extra="forbid")
    ref: str = Field(description="batch-local reference, e.g. g3")
    members: list[MemberBrief]
    reasons: list[str]
    shared_skills: list[str]


class IntroAnswer(BaseModel):
    """What comes back for one group."""

    model_config = ConfigDict(extra="forbid")
    ref: str
    why: str
    icebreakers: list[str] = Field(min_length=MIN_ICEBREAKERS, max_length=MAX_ICEBREAKERS)
    message: str


class IntroBatch(BaseModel):
    """The structured answer to one request."""

    model_config = ConfigDict(extra="forbid")
    intros: list[IntroAnswer]


def group_brief(ref: str, group: pd.DataFrame) -> GroupBrief:
    """The request record of one pair or triad (member rows in member-id order)."""
    members = [MemberBrief(placeholder=placeholder(k), role=row.role, career_stage=stage_label(int(row.career_stage)),
                           summary=row.summary, skills=row.skills, buddy_preferences=row.buddy_preferences)
               for k, row in enumerate(group.itertuples(), start=1)]
    return GroupBrief(ref=ref, members=members, reasons=why_paired(group), shared_skills=shared_skills(list(group["skills"])))


def usable(brief: GroupBrief, answer: IntroAnswer) -> bool:
    """Whether an answer can be sent: every part non-empty and short, only the group's placeholders,
    nothing that looks like a contact or a stray brace."""
    parts = [answer.why, *answer.icebreakers, answer.message]
    allowed = {m.placeholder for m in brief.members}
    return (all(0 < len(part.strip()) <= MAX_PART_CHARS for part in parts)
            and all(f"{{member_{k}}}" in allowed for part in parts for k in _PLACEHOLDER.findall(part))
            and not any(_CONTACT_LIKE.search(_PLACEHOLDER.sub("", part)) for part in parts))


def write_with_llm(groups: dict[str, pd.DataFrame], settings: LlmSettings, cache: ResponseCache,
                   client_factory: Callable | None = None) -> tuple[dict[str, IntroAnswer], LlmReport]:
    """Intros for `groups` (ref -> member rows of a pair or triad); returns the usable answers by
    ref (the others are absent, counted in the report's fallbacks by reason) and the report."""
    briefs = {ref: group_brief(ref, group) for ref, group in groups.items()}
    return ask_in_batches(list(briefs.values()), prompt=PROMPT, schema=IntroBatch, answers_field="intros",
                          settings=settings, cache=cache, client_factory=client_factory,
                          accept=lambda brief, answer: usable(brief, answer))
