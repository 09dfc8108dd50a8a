"""The round's hard rules as pair masks, and the words that name a broken one."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vc_pipeline.pairing.pair_blocks import Formula, SparsePairs
from vc_pipeline.scoring.components import role_family_matrix, role_index
from vc_pipeline.survey.form import ROLES


@dataclass
class HardRules:
    """The round's hard rules over its members (row order), kept structured so no N×N array is
    needed: `ages` (rounds ago each earlier pair met: 1 = the previous round; 0 = never),
    `blocks` (pairs the organizers blocked), each member's `roles` (index into ROLES) and whether
    it `asked` for a similar role. The PairBlocks `met`, `mismatch` (a requester in the pair gets
    another role), `family_cost` / `unmet_cost` (requesters in the pair, 0-2, who get a role of
    their family / outside it) and `broken` (any of met, mismatch, blocked) read them by block;
    the N×N arrays of the same names (`met_before`, `role_mismatch`, `blocked`, `rounds_ago`,
    `role_family`, `role_unmet`, `any`) are for small rounds and reports."""

    ages: SparsePairs
    blocks: SparsePairs
    roles: np.ndarray
    asked: np.ndarray

    def __post_init__(self):
        n, roles, asked = self.n, self.roles, self.asked
        family = FAMILY
        other = (lambda at: at.row(roles) != at.col(roles))
        requesters = (lambda at: at.row(asked).astype(float) + at.col(asked))
        self.met = Formula(n, lambda at: at.of(self.ages) > 0)
        self.mismatch = Formula(n, lambda at: other(at) & (at.row(asked) | at.col(asked)))
        self.family_cost = Formula(n, lambda at: np.where(other(at) & family[at.row(roles), at.col(roles)],
                                                          requesters(at), 0.0))
        self.unmet_cost = Formula(n, lambda at: np.where(~family[at.row(roles), at.col(roles)], requesters(at), 0.0))
        self.broken = Formula(n, lambda at: at.of(self.mismatch) | (at.of(self.ages) > 0) | at.of(self.blocks),
                              symmetric=True)

    @property
    def n(self) -> int:
        return len(self.roles)

    @property
    def met_before(self) -> np.ndarray:
        return self.ages.dense() > 0

    @property
    def rounds_ago(self) -> np.ndarray:
        return self.ages.dense()

    @property
    def blocked(self) -> np.ndarray:
        return self.blocks.dense()

    @property
    def role_mismatch(self) -> np.ndarray:
        return self.mismatch.dense()

    @property
    def role_family(self) -> np.ndarray:
        return self.family_cost.dense().astype(int)

    @property
    def role_unmet(self) -> np.ndarray:
        return self.unmet_cost.dense().astype(int)

    @property
    def any(self) -> np.ndarray:
        return self.broken.dense()

    def mismatches(self) -> int:
        """How many pairs (i < j) break a similar-role request: pairs of two roles minus those
        where neither member asked."""
        def across(roles: np.ndarray) -> int:  # pairs of members in two different roles
            counts = np.bincount(roles)
            return int((len(roles) * (len(roles) - 1) - (counts * (counts - 1)).sum()) // 2)
        return across(self.roles) - across(self.roles[~self.asked])


FAMILY = role_family_matrix(list(ROLES))  # ROLES×ROLES: same role or one family


def _index_pairs(index: dict[str, int], pairs: Iterable[frozenset[str]]) -> tuple[list, list, list]:
    a, b, pairs_kept = [], [], []
    for pair in pairs:
        ids = [index.get(m) for m in pair]
        if len(ids) == 2 and None not in ids:
            a.append(ids[0])
            b.append(ids[1])
            pairs_kept.append(pair)
    return a, b, pairs_kept


def _ages(index: dict[str, int], met_before: Iterable[frozenset[str]] | Mapping[frozenset[str], int]) -> SparsePairs:
    a, b, kept = _index_pairs(index, met_before)
    # a pair with no age given counts as met in the previous round, the strictest reading
    ages = [met_before[pair] if isinstance(met_before, Mapping) else 1 for pair in kept]
    return SparsePairs(len(index), a, b, ages, fill=0, dtype=np.int64)


def hard_rules(members: pd.DataFrame, met_before: Iterable[frozenset[str]] | Mapping[frozenset[str], int],
               blocked: Iterable[frozenset[str]] = ()) -> HardRules:
    """The rules for `members` (normalized_members rows, in the order used for the scores);
    `met_before`: earlier pairs, or {pair: rounds ago} so the oldest repeat can be preferred."""
    index = {m: i for i, m in enumerate(members["member_id"])}
    a, b, _ = _index_pairs(index, blocked)
    roles = role_index(list(members["role"])) if len(members) else np.zeros(0, dtype=int)
    return HardRules(ages=_ages(index, met_before), blocks=SparsePairs(len(index), a, b, True, fill=False, dtype=bool),
                     roles=roles, asked=members["wants_similar_role"].to_numpy(bool))


def pin_blocks(n: int, pinned: list[tuple[int, int]]) -> Formula:
    """Every pair that would separate a pinned pair (`pinned`: index pairs), as PairBlocks: a
    pinned member may meet only their pin."""
    pin_of = np.full(n, -1)
    for i, j in pinned:
        pin_of[i], pin_of[j] = j, i
    ids = np.arange(n)

    def separates(at):
        row_pin, col_pin = at.row(pin_of), at.col(pin_of)
        return ((row_pin >= 0) & (row_pin != at.col(ids))) | ((col_pin >= 0) & (col_pin != at.row(ids)))
    return Formula(n, separates)


def pin_mask(n: int, pinned: list[tuple[int, int]]) -> np.ndarray:
    """N×N bool mask of every pair that would separate a pinned pair (`pinned`: index pairs): a
    pinned member may meet only their pin."""
    return pin_blocks(n, pinned).dense() if n else np.zeros((0, 0), dtype=bool)


def describe_violation(members: pd.DataFrame, rules: HardRules, i: int, j: int) -> str:
    """What the pair (i, j) breaks, in words, naming both members by id."""
    a, b = members.iloc[i], members.iloc[j]
    reasons = []
    if rules.met[i, j]:
        reasons.append("met in an earlier round")
    for asker, other in ((a, b), (b, a)):
        if rules.mismatch[i, j] and asker["wants_similar_role"]:
            reasons.append(f"{asker['member_id']} asked for a similar role ({asker['role']}) and got {other['role']}")
    if rules.blocks[i, j]:
        reasons.append("blocked by the organizers")
    return f"{a['member_id']} + {b['member_id']}: " + "; ".join(reasons)
