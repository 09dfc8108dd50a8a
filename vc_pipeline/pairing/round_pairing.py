"""ilp_pairing: a round's members paired under the hard rules (no repeat pair, similar role if asked)."""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vc_pipeline.pairing.solver import Pairing, PairingInfeasible, solve_pairing

PAIRING_COLUMNS = ["round", "member_id", "group_id", "kind", "partner_id", "score"]


class RoundInfeasible(ValueError):
    """The round's hard constraints cannot all hold; the message names members and constraints."""


@dataclass
class RoundPairing:
    """The pairing table (one row per member) and figures for the asset's metadata."""

    table: pd.DataFrame
    pairing: Pairing
    forbidden_repeat: int
    forbidden_role: int


def score_array(member_ids: list[str], score_table: pd.DataFrame) -> np.ndarray:
    """The N×N symmetric score matrix over `member_ids` from score_matrix rows (0 where absent)."""
    index = {m: i for i, m in enumerate(member_ids)}
    scores = np.zeros((len(member_ids), len(member_ids)))
    a = score_table["member_a"].map(index)
    b = score_table["member_b"].map(index)
    present = a.notna() & b.notna()
    a, b = a[present].astype(int).to_numpy(), b[present].astype(int).to_numpy()
    values = score_table.loc[present, "score"].to_numpy(float)
    scores[a, b] = values
    scores[b, a] = values
    return scores


def forbidden_pairs(members: pd.DataFrame, met_before: Iterable[frozenset[str]]) -> tuple[set, set]:
    """Index pairs barred because they met in an earlier round, and because one of the two asked
    for a similar role and the other has a different role."""
    index = {m: i for i, m in enumerate(members["member_id"])}
    repeat = set()
    for pair in met_before:
        ids = [index.get(m) for m in pair]
        if len(ids) == 2 and None not in ids:
            repeat.add((min(ids), max(ids)))
    roles = members["role"].to_numpy()
    similar = members["wants_similar_role"].to_numpy(bool)
    different = roles[:, None] != roles[None, :]
    barred = np.triu(different & (similar[:, None] | similar[None, :]), k=1)
    role = {(int(i), int(j)) for i, j in zip(*np.nonzero(barred))}
    return repeat, role


def _explain(members: pd.DataFrame, stranded: list[int], repeat: set, role: set) -> str:
    lines = []
    for i in stranded:
        row = members.iloc[i]
        same_role = int((members["role"] == row["role"]).sum()) - 1
        met = sum(1 for p in repeat if i in p)
        asked = f"asked for a similar role ({row['role']}: {same_role} other member(s) in it)" if row["wants_similar_role"] else "no similar-role request"
        lines.append(f"  member {row['member_id']}: {asked}; met {met} of this round's members before")
    return (
        f"the hard constraints (no repeat pair, similar role when asked) leave {len(stranded)} member(s) "
        f"without an allowed partner (an odd round allows one bye):\n" + "\n".join(lines)
    )


def pair_round(members: pd.DataFrame, score_table: pd.DataFrame, met_before: Iterable[frozenset[str]],
               time_limit: float = 120.0) -> RoundPairing:
    """Solve the round: `members` (normalized_members rows), `score_table` (score_matrix rows),
    `met_before` (pairs of member ids from earlier rounds). Returns one row per member:
    `round, member_id, group_id, kind, partner_id, score`. Raises RoundInfeasible."""
    members = members.sort_values("member_id").reset_index(drop=True)
    ids = list(members["member_id"])
    scores = score_array(ids, score_table)
    repeat, role = forbidden_pairs(members, met_before)
    try:
        pairing = solve_pairing(scores, repeat | role, odd="bye", time_limit=time_limit)
    except PairingInfeasible as exc:
        raise RoundInfeasible(_explain(members, exc.stranded, repeat, role)) from None
    rows = []
    for group_id, group in enumerate(pairing.groups):
        for i in group:
            partner = next((j for j in group if j != i), None)
            rows.append({
                "member_id": ids[i], "group_id": group_id, "kind": "pair" if len(group) == 2 else "bye",
                "partner_id": ids[partner] if partner is not None else None,
                "score": float(scores[i, partner]) if partner is not None else np.nan,
            })
    table = pd.DataFrame(rows, columns=PAIRING_COLUMNS[1:])
    table.insert(0, "round", members["round"].iloc[0] if len(members) else None)
    return RoundPairing(table[PAIRING_COLUMNS], pairing, len(repeat), len(role))
