"""The order of a round's rules below the organizers' blocks and "nobody left out", as solver
Levels, and what each member of a solved round got that counts as a setback.

The order (DESIGN.md, "Rules, and their order"): no pair from the previous round, then no repeat
at all, then the repeat that met longest ago; a similar-role request met exactly, then within the
role's family; no first-timer with a member who did not show in two of their last three rounds;
no pair below the minimum quality; then, among pairings equal on all of those,
nobody worse off twice (priority to last round's setbacks) and the bye rotation; then the score.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vc_pipeline.pairing.constraints import HardRules
from vc_pipeline.pairing.solver import Level
from vc_pipeline.scoring.components import role_family_matrix

# what a member can get in a round that makes them worse off, most severe first
SETBACKS = ("unpaired", "bye", "similar_role_unmet", "similar_role_family", "low_quality")


@dataclass
class RoundHistory:
    """What earlier rounds left behind: pairs that met ({pair: rounds ago}, 1 = the previous
    round; a plain set counts as the previous round), members who recently had a bye, members
    worse off in the previous round (a setback, or a buddy who did not show), members who did not
    show in two of their last three rounds (`unreliable`), and every member of an earlier round
    (`returning`; the others are first-timers)."""

    met_before: dict[frozenset[str], int] | set[frozenset[str]] = field(default_factory=dict)
    recent_byes: set[str] = field(default_factory=set)
    worse_off: set[str] = field(default_factory=set)
    unreliable: set[str] = field(default_factory=set)
    returning: set[str] = field(default_factory=set)


def rule_levels(members: pd.DataFrame, rules: HardRules, history: RoundHistory, low: np.ndarray | None, *,
                strict: bool, priority: bool) -> list[Level]:
    """The Levels of the round, highest first. `low`: N×N bool, pairs below the minimum quality
    (None: no minimum). `strict`: repeats and role mismatches are forbidden outright, so they get
    no level. `priority`: last round's worse-off members are spared a setback while others can take it."""
    n = len(members)
    asked = members["wants_similar_role"].to_numpy(bool)
    levels = []
    if not strict:
        ages = rules.rounds_ago
        oldest = int(ages.max()) if n else 0
        levels += [
            Level("previous_round_repeat", ages == 1),
            Level("repeat", rules.met_before),
            Level("repeat_recency", np.where(rules.met_before, oldest + 1 - ages, 0)),
            # a bye leaves a similar-role request unmet too: requesters sit out only when nobody else can
            Level("similar_role_unmet", rules.role_unmet, byes=asked),
            Level("similar_role_family", rules.role_family),
        ]
    if history.unreliable:
        # a first coffee with someone who keeps not showing up is how newcomers stop coming
        ids = members["member_id"]
        unreliable = ids.isin(history.unreliable).to_numpy()
        newcomer = ~ids.isin(history.returning).to_numpy()
        mask = unreliable[:, None] & newcomer[None, :]
        levels.append(Level("unreliable_with_newcomer", mask | mask.T))
    if low is not None:
        levels.append(Level("low_quality", low | low.T))
    if priority and history.worse_off:
        spared = members["member_id"].isin(history.worse_off).to_numpy()
        # one side's setback in a pair: its own similar-role request broken, or a weak pair
        setback = asked[:, None] & rules.role_mismatch
        if low is not None:
            setback = setback | low | low.T
        per_side = (spared[:, None] & setback).astype(int)
        levels.append(Level("worse_off_again", per_side + per_side.T, byes=spared))
    rotated = members["member_id"].isin(history.recent_byes).to_numpy()
    levels.append(Level("bye_rotation", np.zeros((n, n)), byes=rotated | (asked if strict else False)))
    return levels


def member_setbacks(members: pd.DataFrame, groups: list[tuple[int, ...]], left_out: list[int],
                    low: np.ndarray | None) -> list[str | None]:
    """Per member (row order): the most severe SETBACKS entry it got in `groups`, or None."""
    roles = members["role"].to_numpy()
    asked = members["wants_similar_role"].to_numpy(bool)
    family = role_family_matrix(list(roles)) if len(roles) else np.zeros((0, 0), dtype=bool)
    setbacks: list[str | None] = [None] * len(members)
    for group in groups:
        for i in group:
            partners = [j for j in group if j != i]
            got = []
            if not partners:
                got.append("unpaired" if i in left_out else "bye")
            elif asked[i] and not all(roles[j] == roles[i] for j in partners):
                got.append("similar_role_family" if all(family[i, j] for j in partners) else "similar_role_unmet")
            if low is not None and any(low[i, j] or low[j, i] for j in partners):
                got.append("low_quality")
            setbacks[i] = min(got, key=SETBACKS.index) if got else None
    return setbacks


def fresh_partners(members: pd.DataFrame, rules: HardRules, unavailable: np.ndarray) -> np.ndarray:
    """Per member: how many of this round's members they may still meet for the first time (not
    met before, not `unavailable`: blocked or kept away by a pin); for a similar-role requester,
    only those of their role."""
    n = len(members)
    roles = members["role"].to_numpy()
    asked = members["wants_similar_role"].to_numpy(bool)
    open_ = ~(rules.met_before | unavailable | np.eye(n, dtype=bool))
    open_ &= ~(asked[:, None] & (roles[:, None] != roles[None, :]))
    return open_.sum(axis=1)
