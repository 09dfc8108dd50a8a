"""The offline intro writer: why, 2–3 conversation starters and what to do next, from templates,
the score components and what the members wrote (already redacted). Deterministic: the same group
always gets the same text. Members appear as placeholders; no text a member wrote is quoted
except the skill items they listed."""

import pandas as pd

from vc_pipeline.intros.reasons import and_list, placeholder, shared_skills, skill_items, why_paired, wish_note
from vc_pipeline.profile.taxonomy import stage_label

MAX_SKILLS_NAMED = 5
MIN_ICEBREAKERS, MAX_ICEBREAKERS = 2, 3
# a skill item this short ("R", "Go") would match inside too many words of a wish
_MIN_SKILL_MATCH = 3
NEXT_STEP = "Say hello here and find 30 minutes for a coffee chat this round."
GENERIC_STARTERS = (
    "What are you each working on this month, and which part is hardest?",
    "Which tool, paper or talk would you each recommend right now, and why?",
)


def _sought_skills(group: pd.DataFrame) -> list[tuple[int, int, str]]:
    """(seeker, holder, skill): a skill the holder lists that the seeker's wish mentions."""
    rows = list(group.itertuples())
    found = []
    for seeker, row in enumerate(rows, start=1):
        wish = f" {str(row.buddy_preferences).casefold()} "
        for holder, other in enumerate(rows, start=1):
            if holder == seeker:
                continue
            for skill in skill_items(other.skills):
                if len(skill) >= _MIN_SKILL_MATCH and skill.casefold() in wish:
                    found.append((seeker, holder, skill))
                    break
    return found


def icebreakers(group: pd.DataFrame) -> list[str]:
    """2–3 conversation starters for a pair or triad (its member rows in member-id order, with
    role, career_stage, skills and buddy_preferences), most specific first."""
    both = "both" if len(group) == 2 else "all"
    starters = [f"{placeholder(seeker)} hopes to meet someone who knows {skill}, which {placeholder(holder)} "
                "lists among their skills: ask how they got into it." for seeker, holder, skill in _sought_skills(group)]
    shared = shared_skills(list(group["skills"]))
    starters += [f"You {both} work with {skill}: compare how you each use it and what you would do differently."
                 for skill in shared[:1]]
    stages = list(group["career_stage"].astype(int))
    senior, junior = stages.index(max(stages)) + 1, stages.index(min(stages)) + 1
    if max(stages) - min(stages) >= 2:
        starters.append(f"{placeholder(senior)} has been at it longer ({stage_label(max(stages)).lower()}): "
                        f"{placeholder(junior)}, ask what they wish they had known at your stage.")
    roles = list(group["role"])
    if len(set(roles)) > 1:
        who = and_list([f"{placeholder(k)} ({role})" for k, role in enumerate(roles, start=1)])
        starters.append(f"Between {who}: walk through how a project moves from one of your roles to the other.")
    else:
        starters.append(f"You are {both} {roles[0]}s: what does a normal week look like for each of you?")
    starters += GENERIC_STARTERS
    return list(dict.fromkeys(starters))[:MAX_ICEBREAKERS]


def why_text(group: pd.DataFrame) -> str:
    """The "why" part: the reasons, the shared skills and whose wish the group meets."""
    both = "both" if len(group) == 2 else "all"
    skills = shared_skills(list(group["skills"]))[:MAX_SKILLS_NAMED]
    lines = [f"We paired you because {and_list(why_paired(group))}."]
    lines += [f"You {both} list {and_list(skills)} among your skills."] if skills else []
    return " ".join(lines + [note for note in (wish_note(group),) if note])


def offline_intro(group: pd.DataFrame) -> dict:
    """The intro of one group (member rows in member-id order, with kind, the fit columns and the
    profile columns) as {why, icebreakers, message}; a bye or an unpaired member gets a note as
    `why` and no starters."""
    kind = group["kind"].iloc[0]
    if kind == "bye":
        return {"why": f"{placeholder(1)}, this round had an odd number of sign-ups, so you have no partner "
                       "this time. The bye rotates, so it should not be you again soon, and an organizer will "
                       "reach out if a pair falls through.", "icebreakers": [], "message": ""}
    if kind == "unpaired":
        return {"why": f"{placeholder(1)} sits out this round: the organizers' rules leave no partner for "
                       "them. An organizer will reach out personally.", "icebreakers": [], "message": ""}
    return {"why": why_text(group), "icebreakers": icebreakers(group), "message": NEXT_STEP}
