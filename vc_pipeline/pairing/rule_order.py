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

from vc_pipeline.pairing.constraints import FAMILY, HardRules
from vc_pipeline.pairing.pair_blocks import Formula, PairBlocks, as_blocks, zeros
from vc_pipeline.pairing.solver import Level
from vc_pipeline.scoring.components import role_index

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


def rule_levels(members: pd.DataFrame, rules: HardRules, history: RoundHistory,
                low: "np.ndarray | PairBlocks | None", *, strict: bool, priority: bool) -> list[Level]:
    """The Levels of the round, highest first, their pair costs as PairBlocks (no N×N array).
    `low`: N×N bool (array or PairBlocks), pairs below the minimum quality (None: no minimum).
    `strict`: repeats and role mismatches are forbidden outright, so they get no level.
    `priority`: last round's worse-off members are spared a setback while others can take it."""
    n = len(members)
    asked = members["wants_similar_role"].to_numpy(bool)
    levels = []
    if not strict:
        ages = rules.ages
        oldest = int(ages.values.max(initial=0))
        levels += [
            Level("previous_round_repeat", ages.mapped(lambda age: age == 1)),
            Level("repeat", ages.mapped(lambda age: age > 0)),
            Level("repeat_recency", ages.mapped(lambda age: np.where(age > 0, oldest + 1 - age, 0))),
            # a bye leaves a similar-role request unmet too: requesters sit out only when nobody else can
            Level("similar_role_unmet", rules.unmet_cost, byes=asked),
            Level("similar_role_family", rules.family_cost),
        ]
    if history.unreliable:
        # a first coffee with someone who keeps not showing up is how newcomers stop coming
        ids = members["member_id"]
        unreliable = ids.isin(history.unreliable).to_numpy()
        newcomer = ~ids.isin(history.returning).to_numpy()
        levels.append(Level("unreliable_with_newcomer", Formula(n, lambda at: (
            (at.row(unreliable) & at.col(newcomer)) | (at.col(unreliable) & at.row(newcomer))).astype(float))))
    either_low = None
    if low is not None:
        low = as_blocks(low)
        either_low = low if getattr(low, "symmetric", False) else Formula(n, lambda at: at.of(low) | at.of(low, True))
        levels.append(Level("low_quality", Formula(n, lambda at: at.of(either_low).astype(float))))
    if priority and history.worse_off:
        spared = members["member_id"].isin(history.worse_off).to_numpy()

        def setbacks(at):  # one side's setback in a pair: its own similar-role request broken, or a weak pair
            mismatch = at.of(rules.mismatch)
            weak = at.of(either_low) if either_low is not None else False
            return ((at.row(spared) & ((at.row(asked) & mismatch) | weak)).astype(float)
                    + (at.col(spared) & ((at.col(asked) & mismatch) | weak)))
        levels.append(Level("worse_off_again", Formula(n, setbacks), byes=spared))
    rotated = members["member_id"].isin(history.recent_byes).to_numpy()
    levels.append(Level("bye_rotation", zeros(n), byes=rotated | (asked if strict else False)))
    return levels


def member_setbacks(members: pd.DataFrame, groups: list[tuple[int, ...]], left_out: list[int],
                    low: "np.ndarray | PairBlocks | None") -> list[str | None]:
    """Per member (row order): the most severe SETBACKS entry it got in `groups`, or None."""
    roles = members["role"].to_numpy()
    role_ids = role_index(list(roles)) if len(roles) else np.zeros(0, dtype=int)
    asked = members["wants_similar_role"].to_numpy(bool)
    met = [(i, j) for g in groups for i in g for j in g if i != j]
    weak = set()
    if low is not None and met:
        a, b = np.array(met).T
        low = as_blocks(low)
        weak = {p for p, w in zip(met, low.pairs(a, b) | low.pairs(b, a)) if w}
    setbacks: list[str | None] = [None] * len(members)
    for group in groups:
        for i in group:
            partners = [j for j in group if j != i]
            got = []
            if not partners:
                got.append("unpaired" if i in left_out else "bye")
            elif asked[i] and not all(roles[j] == roles[i] for j in partners):
                same_family = all(FAMILY[role_ids[i], role_ids[j]] for j in partners)
                got.append("similar_role_family" if same_family else "similar_role_unmet")
            if any((i, j) in weak for j in partners):
                got.append("low_quality")
            setbacks[i] = min(got, key=SETBACKS.index) if got else None
    return setbacks


def fresh_partners(members: pd.DataFrame, rules: HardRules, unavailable: "np.ndarray | PairBlocks") -> np.ndarray:
    """Per member: how many of this round's members they may still meet for the first time (not
    met before, not `unavailable`: blocked or kept away by a pin); for a similar-role requester,
    only those of their role."""
    n = len(members)
    unavailable, ids = as_blocks(unavailable), np.arange(n)
    roles, asked = rules.roles, rules.asked
    open_ = Formula(n, lambda at: ~(at.of(rules.met) | at.of(unavailable) | (at.row(ids) == at.col(ids))
                                    | (at.row(asked) & (at.row(roles) != at.col(roles)))))
    return open_.row_sums().astype(int)
