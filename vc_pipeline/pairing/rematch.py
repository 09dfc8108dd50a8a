"""After the round: re-pair the members whose buddy did not show, backups first."""

import numpy as np
import pandas as pd

from vc_pipeline.pairing.solver import Level, solve_pairing
from vc_pipeline.schemas import FinalPairing, columns_of

FINAL_COLUMNS = columns_of(FinalPairing)


def stranded_members(pairing: pd.DataFrame, no_shows: set[str]) -> list[str]:
    """Members who showed up but have nobody to meet: their group lost all its other members to
    no-shows, or they had the bye."""
    present = pairing[~pairing["member_id"].isin(no_shows)]
    alone = present.groupby("group_id")["member_id"].transform("size") == 1
    return sorted(present.loc[alone, "member_id"])


def _backup_pairs(pairing: pd.DataFrame, stranded: list[str], allowed) -> list[tuple[str, str]]:
    """Pair stranded members with a stranded backup of theirs, in order of group."""
    free, pairs = set(stranded), []
    rows = pairing.set_index("member_id")
    for member in sorted(stranded, key=lambda m: rows.loc[m, "group_id"]):
        if member not in free:
            continue
        for backup in (rows.loc[member, "backup_1"], rows.loc[member, "backup_2"]):
            if isinstance(backup, str) and backup in free and backup != member and allowed(member, backup):
                pairs.append((member, backup))
                free -= {member, backup}
                break
    return pairs


def rematch(pairing: pd.DataFrame, no_shows: set[str], scores: np.ndarray, ids: list[str],
            forbidden: np.ndarray, levels: list[Level] = ()) -> pd.DataFrame:
    """The round as it really happens: `pairing` (ilp_pairing rows), `no_shows` (member ids),
    `scores` and `forbidden` (N×N over `ids`, the stranded members), `levels` (the round's rules
    in order over `ids`, see pairing.rule_order). Stranded members meet a stranded backup first,
    the rest are paired optimally under the rules in their order; whoever is left is `unpaired`.
    Returns FINAL_COLUMNS rows with `source` planned / backup / rematch / no_show / unpaired."""
    index = {m: i for i, m in enumerate(ids)}
    stranded = stranded_members(pairing, no_shows)
    allowed = (lambda a, b: not forbidden[index[a], index[b]])
    matched = _backup_pairs(pairing, stranded, allowed)
    rest = [m for m in stranded if m not in {x for p in matched for x in p}]
    sub = [index[m] for m in rest]
    sub_levels = [Level(level.name, level.costs.block(np.array(sub, dtype=int), np.array(sub, dtype=int)), level.byes[sub])
                  for level in levels]
    result = solve_pairing(scores[np.ix_(sub, sub)], forbidden[np.ix_(sub, sub)], levels=sub_levels) if rest else None
    optimal = [(rest[i], rest[j]) for g in (result.groups if result else []) if len(g) == 2 for i, j in [g]]
    final = pairing[["round", "member_id", "group_id", "kind", "partner_id"]].copy()
    final["source"] = "planned"
    final.loc[final["member_id"].isin(no_shows), ["kind", "partner_id", "source"]] = ["no_show", None, "no_show"]
    next_group = int(final["group_id"].max()) + 1 if len(final) else 0
    for source, pairs in (("backup", matched), ("rematch", optimal)):
        for a, b in pairs:
            for member, partner in ((a, b), (b, a)):
                final.loc[final["member_id"] == member, ["group_id", "kind", "partner_id", "source"]] = [
                    next_group, "pair", partner, source]
            next_group += 1
    paired = {x for p in matched + optimal for x in p}
    left = final["member_id"].isin(set(stranded) - paired)
    final.loc[left, ["kind", "partner_id", "source"]] = ["bye", None, "unpaired"]
    # groups that still have members who showed keep their kind; a triad that lost one is now a pair
    sizes = final[final["kind"] != "no_show"].groupby("group_id")["member_id"].transform("size")
    final.loc[sizes.index[sizes == 2], "kind"] = "pair"
    return final[FINAL_COLUMNS]
