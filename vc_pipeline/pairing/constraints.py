"""The round's hard rules as pair masks, and the words that name a broken one."""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class HardRules:
    """N×N bool masks over the round's members (row order): pairs that met before, pairs that
    break a similar-role request, and pairs the organizers blocked."""

    met_before: np.ndarray
    role_mismatch: np.ndarray
    blocked: np.ndarray

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


def hard_rules(members: pd.DataFrame, met_before: Iterable[frozenset[str]], blocked: Iterable[frozenset[str]] = ()) -> HardRules:
    """The masks for `members` (normalized_members rows, in the order used for the scores)."""
    index = {m: i for i, m in enumerate(members["member_id"])}
    roles = members["role"].to_numpy()
    similar = members["wants_similar_role"].to_numpy(bool)
    mismatch = (roles[:, None] != roles[None, :]) & (similar[:, None] | similar[None, :])
    return HardRules(_mask(index, met_before), mismatch, _mask(index, blocked))


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
