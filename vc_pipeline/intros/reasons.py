"""Why a group was paired, from its score components (`fit_*` of ilp_pairing, each in [0, 1]) and
what its members share: skills both list, and a stated wish the pairing meets. Members appear as
placeholders (`{member_1}`, in member-id order); names are put in when an intro is rendered."""

import re
from collections.abc import Sequence

import pandas as pd

from vc_pipeline.pairing.round_pairing import FIT_COLUMNS

# a component at or above its threshold is named as a reason (location 0.75: at most 3 hours apart)
PREFERENCE_REASON, SKILLS_REASON, LOCATION_REASON = 0.4, 0.6, 0.75
# commas as the form asks, plus the other list separators people use; "CI/CD" (no spaces) stays whole
_SKILL_SEPARATOR = re.compile(r"[,;\n•|]|\s/\s")


def placeholder(position: int) -> str:
    """The placeholder of a group's `position`-th member (1-based, member-id order): `{member_1}`."""
    return f"{{member_{position}}}"


def and_list(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


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
        return [f"you share a role ({roles[0]})"]
    if fit_role >= 0.6:
        return [f"your roles ({and_list(sorted(set(roles)))}) work closely together"]
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
    """Reasons, strongest weight first, from the group's mean `fit_*` (group: its member rows with
    `role` and the fit columns)."""
    fits = group[FIT_COLUMNS].astype(float).mean()
    reasons = (["what you each hope to find in a buddy fits the other's profile"]
               if fits["fit_preference"] >= PREFERENCE_REASON else [])
    reasons += ["your backgrounds and skills are closely related"] if fits["fit_skills"] >= SKILLS_REASON else []
    reasons += _role_reason(list(group["role"]), fits["fit_role"]) + _stage_reason(fits["fit_experience"])
    reasons += ["your time zones are close"] if fits["fit_location"] >= LOCATION_REASON else []
    return reasons or ["your profiles made you one of the round's best overall matches"]


def wish_met_by(group: pd.DataFrame) -> list[int]:
    """The 1-based positions of the members whose stated wish (a buddy description or a
    similar-role request) the group meets; [] when it meets none or can't tell whose."""
    if not group["fit_preference_met"].astype(float).mean() > 0:
        return []
    positions = range(1, len(group) + 1)
    stated = [k for k, (_, p) in zip(positions, group.iterrows()) if p["has_wish"] or p["wants_similar_role"]]
    if len(stated) == 1 or group["fit_preference_met"].astype(float).min() >= 0.999:
        return stated
    # only a similar-role request can be told apart without the embeddings
    rows = list(group.itertuples())
    return [k for k in stated if rows[k - 1].wants_similar_role and (group["role"] == rows[k - 1].role).sum() >= 2]


def wish_note(group: pd.DataFrame) -> str:
    """Whose stated wish the group meets, by placeholder ("" when none)."""
    if not group["fit_preference_met"].astype(float).mean() > 0:
        return ""
    met = wish_met_by(group)
    who = and_list([placeholder(k) for k in met]) if met else "one of you"
    return f"This matches what {who} said they were looking for."
