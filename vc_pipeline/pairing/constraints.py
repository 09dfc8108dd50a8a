"""The round's hard rules as pair masks, and the words that name a broken one."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vc_pipeline.scoring.components import role_family_matrix


@dataclass
class HardRules:
    """N×N masks over the round's members (row order): pairs that met before (and how many rounds
    ago: 1 = the previous round, 0 = never), pairs that break a similar-role request, and pairs the
    organizers blocked. `role_family` / `role_unmet` count the requesters in a pair (0-2) who get a
    role of their family / outside it; `role_mismatch` is either."""

    met_before: np.ndarray
    role_mismatch: np.ndarray
    blocked: np.ndarray
    rounds_ago: np.ndarray
    role_family: np.ndarray
    role_unmet: np.ndarray

    @property
    def any(self) -> np.ndarray:
        return self.met_before | self.role_mismatch | self.blocked


def _mask(index: dict[str, int], pairs: Iterable[frozenset[str]]) -> np.ndarray:
    mask = np.zeros((len(index), len(index)), dtype=bool)
    for pair in pairs:
        ids = [index.get(m) for m in pair]
        if len(ids) == 2 and None not in ids:
            mask[ids[0], ids[1]] = mask[ids[1], ids[0]] = True
    return mask


def _ages(index: dict[str, int], met_before: Iterable[frozenset[str]] | Mapping[frozenset[str], int]) -> np.ndarray:
    ages = np.zeros((len(index), len(index)), dtype=int)
    for pair in met_before:
        ids = [index.get(m) for m in pair]
        if len(ids) == 2 and None not in ids:
            # a pair with no age given counts as met in the previous round, the strictest reading
            ages[ids[0], ids[1]] = ages[ids[1], ids[0]] = met_before[pair] if isinstance(met_before, Mapping) else 1
    return ages


def hard_rules(members: pd.DataFrame, met_before: Iterable[frozenset[str]] | Mapping[frozenset[str], int],
               blocked: Iterable[frozenset[str]] = ()) -> HardRules:
    """The masks for `members` (normalized_members rows, in the order used for the scores);
    `met_before`: earlier pairs, or {pair: rounds ago} so the oldest repeat can be preferred."""
    index = {m: i for i, m in enumerate(members["member_id"])}
    roles = members["role"].to_numpy()
    asked = members["wants_similar_role"].to_numpy(bool).astype(int)
    other_role = roles[:, None] != roles[None, :]
    family = role_family_matrix(list(roles)) if len(roles) else np.zeros((0, 0), dtype=bool)
    requesters = asked[:, None] + asked[None, :]
    ages = _ages(index, met_before)
    return HardRules(met_before=ages > 0, role_mismatch=other_role & (requesters > 0), blocked=_mask(index, blocked),
                     rounds_ago=ages, role_family=np.where(other_role & family, requesters, 0),
                     role_unmet=np.where(~family, requesters, 0))


def pin_mask(n: int, pinned: list[tuple[int, int]]) -> np.ndarray:
    """N×N bool mask of every pair that would separate a pinned pair (`pinned`: index pairs): a
    pinned member may meet only their pin."""
    mask = np.zeros((n, n), dtype=bool)
    for i, j in pinned:
        for member, pin in ((i, j), (j, i)):
            mask[member, :] = mask[:, member] = True
            mask[member, pin] = mask[pin, member] = False
    for i, j in pinned:
        mask[i, j] = mask[j, i] = False
    return mask


def describe_violation(members: pd.DataFrame, rules: HardRules, i: int, j: int) -> str:
    """What the pair (i, j) breaks, in words, naming both members by id."""
    a, b = members.iloc[i], members.iloc[j]
    reasons = []
    if rules.met_before[i, j]:
        reasons.append("met in an earlier round")
    for asker, other in ((a, b), (b, a)):
        if rules.role_mismatch[i, j] and asker["wants_similar_role"]:
            reasons.append(f"{asker['member_id']} asked for a similar role ({asker['role']}) and got {other['role']}")
    if rules.blocked[i, j]:
        reasons.append("blocked by the organizers")
    return f"{a['member_id']} + {b['member_id']}: " + "; ".join(reasons)
