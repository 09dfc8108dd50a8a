"""intros.md: one ready-to-send introduction per group, saying why its members were paired.

The reasons come from the group's score components (`fit_*` of ilp_pairing, each in [0, 1]) and
from what its members share: skills both list, and a stated wish the pairing meets. A wish is never
quoted (it is free text): the intro only says whose wish it matches. Names and skills are
markdown-escaped.
"""

import datetime as dt
import re
from collections.abc import Sequence

import pandas as pd

from vc_pipeline.export.meeting_window import NO_OVERLAP
from vc_pipeline.pairing.round_pairing import FIT_COLUMNS

MAX_SKILLS_NAMED = 5
# a component at or above its threshold is named as a reason (location 0.75: at most 3 hours apart)
PREFERENCE_REASON, SKILLS_REASON, LOCATION_REASON = 0.4, 0.6, 0.75
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")
# commas as the form asks, plus the other list separators people use; "CI/CD" (no spaces) stays whole
_SKILL_SEPARATOR = re.compile(r"[,;\n•|]|\s/\s")


def escape_markdown(text: str) -> str:
    """`text` on one line, every markdown special character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def skill_items(skills: str) -> list[str]:
    """The items of a skills text (comma-separated; `;`, `|`, `•`, ` / ` and newlines also split),
    trimmed, empty ones dropped."""
    return [item.strip(" .") for item in _SKILL_SEPARATOR.split(skills or "") if item.strip(" .")]


def shared_skills(skill_texts: Sequence[str]) -> list[str]:
    """The skills every one of two or more members lists (case-insensitive), spelled and ordered
    as the first member lists them; [] for fewer than two members."""
    if len(skill_texts) < 2:
        return []
    others = [{item.casefold() for item in skill_items(text)} for text in skill_texts[1:]]
    shared, seen = [], set()
    for item in skill_items(skill_texts[0]):
        if item.casefold() not in seen and all(item.casefold() in other for other in others):
            seen.add(item.casefold())
            shared.append(item)
    return shared


def _role_reason(roles: list[str], fit_role: float) -> list[str]:
    if fit_role >= 1.0:
        return [f"you share a role ({escape_markdown(roles[0])})"]
    if fit_role >= 0.6:
        return [f"your roles ({_and([escape_markdown(r) for r in sorted(set(roles))])}) work closely together"]
    return []


def _stage_reason(fit_experience: float) -> list[str]:
    if fit_experience >= 1.0:
        return ["you are at the same career stage"]
    if fit_experience >= 0.8:
        return ["you are at similar career stages"]
    if fit_experience <= 0.4:
        return ["you are at quite different career stages (a chance to learn from each other)"]
    return []


def why_paired(group: pd.DataFrame) -> list[str]:
    """Reasons, strongest weight first, from the group's mean `fit_*` (group: its group_people rows)."""
    fits = group[FIT_COLUMNS].astype(float).mean()
    reasons = (["what you each hope to find in a buddy fits the other's profile"]
               if fits["fit_preference"] >= PREFERENCE_REASON else [])
    reasons += ["your backgrounds and skills are closely related"] if fits["fit_skills"] >= SKILLS_REASON else []
    reasons += _role_reason(list(group["role"]), fits["fit_role"]) + _stage_reason(fits["fit_experience"])
    reasons += ["your time zones are close"] if fits["fit_location"] >= LOCATION_REASON else []
    return reasons or ["your profiles made you one of the round's best overall matches"]


def wish_note(group: pd.DataFrame) -> str:
    """Whose stated wish (a buddy description or a similar-role request) the group meets, by name only."""
    if not group["fit_preference_met"].astype(float).mean() > 0:
        return ""
    stated = group[group["has_wish"].astype(bool) | group["wants_similar_role"].astype(bool)]
    if len(stated) == 1 or group["fit_preference_met"].astype(float).min() >= 0.999:
        met = list(stated["name"])
    else:  # only a similar-role request can be told apart without the embeddings
        met = [p["name"] for _, p in stated.iterrows()
               if p["wants_similar_role"] and (group["role"] == p["role"]).sum() >= 2]
    who = _and([f"**{escape_markdown(name)}**" for name in met]) if met else "one of you"
    return f"This matches what {who} said they were looking for."


def group_intro(group: pd.DataFrame) -> str:
    """The markdown section for one group (its group_people rows): an intro, or a note for a bye."""
    group_id, kind = int(group["group_id"].iloc[0]), group["kind"].iloc[0]
    names = [f"**{escape_markdown(name)}**" for name in group["name"]]
    if kind == "bye":
        return (f"## Group {group_id} · bye\n\n{names[0]}, this round had an odd number of sign-ups, so you "
                "have no partner this time. The bye rotates, so it should not be you again soon, and an "
                "organizer will reach out if a pair falls through.\n")
    if kind == "unpaired":
        return (f"## Group {group_id} · unpaired\n\n{names[0]} sits out this round: the organizers' rules "
                "leave no partner for them. An organizer will reach out personally.\n")
    both = "both" if len(group) == 2 else "all"
    skills = shared_skills(list(group["skills"]))[:MAX_SKILLS_NAMED]
    lines = [f"We paired you because {_and(why_paired(group))}."]
    lines += [f"You {both} list {_and([escape_markdown(s) for s in skills])} among your skills."] if skills else []
    lines += [note for note in (wish_note(group),) if note]
    return (f"## Group {group_id} · {kind}\n\nMeet {_and(names)}!\n\n{' '.join(lines)}\n\n"
            f"Say hello and find 30 minutes for a coffee chat this round.{_window_line(group)}\n")


def _window_line(group: pd.DataFrame) -> str:
    window = str(group["meeting_window"].iloc[0]) if "meeting_window" in group else ""
    if not window:
        return ""
    if window.startswith(NO_OVERLAP):
        return (f" Your working hours (9:00–18:00) do not overlap; the least-bad hour is "
                f"{window.removeprefix(NO_OVERLAP)}.")
    # our own text from IANA zone names: nothing a member wrote, so nothing to escape
    return f" Your working hours (9:00–18:00) overlap {window}."


def intros_markdown(people: pd.DataFrame, round_date: dt.date) -> str:
    """intros.md for a round: a title, then one section per group of `people` (group_people rows:
    group_id, kind, name, role, skills, has_wish, wants_similar_role, fit_*, meeting_window), by group id."""
    groups = [group for _, group in people.groupby("group_id", sort=True)]
    kinds = pd.Series([g["kind"].iloc[0] for g in groups], dtype=object).value_counts()
    counts = ", ".join(_count(int(kinds.get(kind, 0)), "unpaired member" if kind == "unpaired" else kind)
                       for kind in ("pair", "triad", "bye", "unpaired")
                       if kind != "unpaired" or kinds.get(kind, 0))
    header = (f"# Virtual Coffee intros, round {round_date:%Y-%m-%d}\n\n{counts}. Send each section's text "
              "to the people it names.\n")
    return "\n".join([header, *(group_intro(group) for group in groups)])
