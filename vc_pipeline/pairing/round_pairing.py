"""ilp_pairing: a round's members paired under its hard rules, with fairness levers and backups."""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vc_pipeline.errors import UserError
from vc_pipeline.pairing.backups import choose_backups
from vc_pipeline.pairing.constraints import HardRules, describe_violation, hard_rules, pin_blocks
from vc_pipeline.pairing.levers import adjusted_blocks
from vc_pipeline.pairing.pair_blocks import Formula, PairBlocks, as_blocks
from vc_pipeline.pairing.rule_order import RoundHistory, fresh_partners, member_setbacks, rule_levels
from vc_pipeline.pairing.settings import PairingSettings
from vc_pipeline.pairing.solver import Pairing, solve_pairing
from vc_pipeline.schemas import IlpPairing, columns_of
from vc_pipeline.scoring.pair_scores import COMPONENTS

FIT_COLUMNS = [f"fit_{c}" for c in COMPONENTS]
PAIRING_COLUMNS = columns_of(IlpPairing)
# a requester with fewer fresh partners of their role than this is named: the crunch is coming
FEW_FRESH_PARTNERS = 3

__all__ = ["PAIRING_COLUMNS", "RoundHistory", "RoundInfeasible", "RoundPairing", "pair_round", "solve_round"]


class RoundInfeasible(UserError, ValueError):
    """The round's hard constraints cannot all hold; the message names members and constraints."""


@dataclass
class RoundPairing:
    """The pairing table (one row per member), the solver's result, and what to report:
    `violations` (rules broken, in words), `low_quality` (weak pairs), `unpaired` (members the
    organizers' rules left without a partner, with the reason), `thin_fresh_partners`
    (requesters with fewer than FEW_FRESH_PARTNERS fresh partners of their role left)."""

    table: pd.DataFrame
    pairing: Pairing
    violations: list[str]
    low_quality: list[str]
    summary: dict
    unpaired: list[str]
    thin_fresh_partners: list[str]


def score_array(member_ids: list[str], score_table: pd.DataFrame) -> np.ndarray:
    """The N×N symmetric score matrix over `member_ids` from score_matrix rows (0 where absent)."""
    index = pd.Index(member_ids)
    scores = np.zeros((len(member_ids), len(member_ids)))
    a = index.get_indexer(score_table["member_a"])
    b = index.get_indexer(score_table["member_b"])
    present = (a >= 0) & (b >= 0)
    values = score_table["score"].to_numpy(float)[present]
    scores[a[present], b[present]] = values
    scores[b[present], a[present]] = values
    return scores


def _row_count(mask: PairBlocks, i: int) -> int:
    """How many members the bool PairBlocks `mask` holds for member i."""
    return int(mask.block(slice(i, i + 1), slice(0, mask.n)).sum())


def _explain_stranded(members: pd.DataFrame, stranded: list[int], rules: HardRules, strict: bool) -> str:
    lines = []
    for i in stranded:
        row = members.iloc[i]
        same_role = int((members["role"] == row["role"]).sum()) - 1
        asked = (f"asked for a similar role ({row['role']}: {same_role} other member(s) in it)"
                 if row["wants_similar_role"] else "no similar-role request")
        met = _row_count(rules.met, i)
        lines.append(f"  member {row['member_id']}: {asked}; met {met} of this round's members before; "
                     f"blocked with {_row_count(rules.blocks, i)}")
    rules_named = "no repeat pair, similar role when asked, organizer blocks" if strict else "organizer blocks and pins"
    return (f"the hard constraints ({rules_named}) leave "
            f"{len(stranded)} member(s) without an allowed partner (an odd round allows one bye):\n" + "\n".join(lines))


def _forbidden(rules: HardRules, pins: PairBlocks, pinned: list[tuple[int, int]], strict: bool) -> PairBlocks:
    """The pairs that may never meet, as bool PairBlocks: organizer blocks and pins are absolute;
    in strict mode every hard rule is."""
    n = rules.n
    pin_of, ids = np.full(n, -1), np.arange(n)
    for i, j in pinned:
        pin_of[i], pin_of[j] = j, i

    def forbidden(at):
        blocks = at.of(rules.blocks)
        kept_apart = blocks | at.of(pins)
        if strict:
            kept_apart = kept_apart | at.of(rules.met) | at.of(rules.mismatch)
        # a pin overrides every rule but a block
        return np.where(at.row(pin_of) == at.col(ids), blocks, kept_apart)
    return Formula(n, forbidden, symmetric=True)


def _solve(members: pd.DataFrame, raw: PairBlocks, rules: HardRules, history: RoundHistory,
           settings: PairingSettings, pins: PairBlocks, pinned: list[tuple[int, int]],
           low: PairBlocks | None) -> Pairing:
    stages = members["career_stage"].to_numpy()
    # computed block by block from the raw scores and per-member factors: no second N×N array
    scores = adjusted_blocks(raw, stages, damping=settings.popularity_damping,
                             per_member=settings.popularity_candidates, bonus=settings.cross_stage_bonus)
    bye_allowed = np.ones(raw.n, dtype=bool)
    bye_allowed[[i for pair in pinned for i in pair]] = False
    strict = settings.on_infeasible == "fail"
    forbidden = _forbidden(rules, pins, pinned, strict)
    levels = rule_levels(members, rules, history, low, strict=strict, priority=settings.worse_off_priority)
    pairing = solve_pairing(scores, forbidden=forbidden, levels=levels, odd=settings.odd, bye_allowed=bye_allowed,
                            time_limit=settings.time_limit_seconds)
    if pairing.left_out and strict:
        raise RoundInfeasible(_explain_stranded(members, pairing.left_out, rules, strict))
    return pairing


def _group_rows(ids: list[str], pairing: Pairing, raw: PairBlocks, backups, notes: dict,
                setbacks: list[str | None]) -> pd.DataFrame:
    rows = []
    for group_id, group in enumerate(pairing.groups):
        kind = "unpaired" if group[0] in pairing.left_out else {1: "bye", 2: "pair", 3: "triad"}[len(group)]
        pair_scores = [raw[i, j] for x, i in enumerate(group) for j in group[x + 1:]]
        for i in group:
            rows.append({
                "member_id": ids[i], "group_id": group_id, "kind": kind,
                "partner_id": ",".join(ids[j] for j in group if j != i) or None,
                "score": float(np.mean(pair_scores)) if pair_scores else np.nan,
                "low_quality": notes["low"].get(group_id, False),
                "violations": notes["violations"].get(group_id, ""),
                "setback": setbacks[i],
                "backup_1": ids[backups[i][0]] if backups[i][0] is not None else None,
                "backup_2": ids[backups[i][1]] if backups[i][1] is not None else None,
            })
    return pd.DataFrame(rows)


def group_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """Every (member, partner) of the pairing as `member_id, member_a, member_b` (member_a < member_b)."""
    pairs = table.dropna(subset=["partner_id"]).assign(partner=lambda t: t["partner_id"].str.split(","))
    pairs = pairs.explode("partner")[["member_id", "partner"]]
    pairs["member_a"] = pairs[["member_id", "partner"]].min(axis=1)
    pairs["member_b"] = pairs[["member_id", "partner"]].max(axis=1)
    return pairs[["member_id", "member_a", "member_b"]]


def add_fits(table: pd.DataFrame, components: pd.DataFrame) -> pd.DataFrame:
    """Each member's score components (the `fit_*` columns): the mean over the pairs of its group,
    from `components` (score_matrix rows of at least those pairs), so a pair can be explained."""
    merged = group_pairs(table).merge(components[["member_a", "member_b", *COMPONENTS]],
                                      on=["member_a", "member_b"], how="left")
    fits = merged.groupby("member_id")[list(COMPONENTS)].mean()
    fits.columns = FIT_COLUMNS
    return table.merge(fits, left_on="member_id", right_index=True, how="left")


def pair_round(members: pd.DataFrame, score_table: pd.DataFrame, history: RoundHistory | None = None,
               settings: PairingSettings | None = None, blocked: Iterable[frozenset[str]] = (),
               pinned: Iterable[frozenset[str]] = ()) -> RoundPairing:
    """Solve the round from score_matrix rows: see solve_round; the rows also explain each pair."""
    members = members.sort_values("member_id").reset_index(drop=True)
    result = solve_round(members, score_array(list(members["member_id"]), score_table), history, settings,
                         blocked, pinned)
    result.table = add_fits(result.table, score_table)[PAIRING_COLUMNS]
    return result


def _used_pairs(pairing: Pairing) -> list[tuple[int, int]]:
    return [(i, j) for g in pairing.groups for x, i in enumerate(g) for j in g[x + 1:]]


def _at_pairs(values: PairBlocks, pairs: list[tuple[int, int]]) -> np.ndarray:
    index = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return values.pairs(index[:, 0], index[:, 1])


def _violations(members: pd.DataFrame, rules: HardRules, pairing: Pairing) -> list[tuple[int, int, str]]:
    """Every pair of the pairing that breaks a rule, with the words that name it."""
    used = _used_pairs(pairing)
    return [(i, j, describe_violation(members, rules, i, j)) for (i, j), broken in zip(used, _at_pairs(rules.broken, used))
            if broken]


def _unpaired_reason(members: pd.DataFrame, i: int, rules: HardRules, pins: PairBlocks) -> str:
    kept_away = _row_count(Formula(rules.n, lambda at: at.of(rules.blocks) | at.of(pins)), i)
    who = members.iloc[i]["member_id"]
    if not kept_away:
        return (f"{who} sits out: members the organizers' blocks left without a partner make the rest of the "
                "round an odd number, and nobody else could take their place")
    return (f"{who} sits out: the organizers' blocks and pins keep them from {kept_away} of the round's "
            f"{len(members) - 1} other members, and no pairing of everyone else leaves a partner")


def solve_round(members: pd.DataFrame, raw: "np.ndarray | PairBlocks", history: RoundHistory | None = None,
                settings: PairingSettings | None = None, blocked: Iterable[frozenset[str]] = (),
                pinned: Iterable[frozenset[str]] = ()) -> RoundPairing:
    """Solve the round: `members` (normalized_members rows, sorted by member_id), `raw` (their N×N
    pair scores in that order: an array, the one N×N array the pairing keeps, or PairBlocks),
    `history` (earlier pairs, recent byes, last round's worse-off),
    `blocked` and `pinned` (pairs the organizers forbid / require; pins of people not in the round
    are ignored).

    Returns one row per member: its group, partner(s), score, ranked backups, any hard rule its
    group had to break and its setback (the `fit_*` columns are added by add_fits). A member the
    organizers' blocks leave without a partner sits out as `unpaired`. Raises RoundInfeasible
    when settings.on_infeasible == "fail" and the rules cannot all hold."""
    history, settings = history or RoundHistory(), settings or PairingSettings()
    raw = as_blocks(raw, dtype=float)
    ids = list(members["member_id"])
    rules = hard_rules(members, history.met_before, blocked)
    index = {m: i for i, m in enumerate(ids)}
    pinned = [tuple(sorted(index[m] for m in pair)) for pair in pinned if all(m in index for m in pair)]
    if len({i for pair in pinned for i in pair}) < 2 * len(pinned):
        raise RoundInfeasible("a member is pinned to two different people; each member can have one pin")
    pins = pin_blocks(raw.n, pinned)
    quality = settings.min_pair_quality
    low = Formula(raw.n, lambda at: at.of(raw) < quality) if quality is not None else None
    pairing = _solve(members, raw, rules, history, settings, pins, pinned, low)
    broken = _violations(members, rules, pairing)
    used = _used_pairs(pairing)
    low_pairs = [p for p, weak in zip(used, _at_pairs(low, used)) if weak] if low is not None else []
    low_text = [f"{ids[i]} + {ids[j]}: score {raw[i, j]:.3f} below {settings.min_pair_quality}" for i, j in low_pairs]
    unpaired = [_unpaired_reason(members, i, rules, pins) for i in pairing.left_out]
    group_of = {i: g for g, group in enumerate(pairing.groups) for i in group}
    notes = {"violations": {}, "low": {}}
    for (i, _, text) in broken:
        notes["violations"][group_of[i]] = "; ".join(filter(None, [notes["violations"].get(group_of[i]), text]))
    for i, text in zip(pairing.left_out, unpaired):
        notes["violations"][group_of[i]] = text
    for i, _ in low_pairs:
        notes["low"][group_of[i]] = True
    backups = (choose_backups(raw, pairing.groups, rules.broken,
                              per_member=settings.backups_per_member, cap=settings.backup_cap)
               if settings.backups_per_member else [(None, None)] * len(ids))
    backups = [tuple(b) + (None,) * (2 - len(b)) for b in backups]
    setbacks = member_setbacks(members, pairing.groups, pairing.left_out, low)
    table = _group_rows(ids, pairing, raw, backups, notes, setbacks)
    table.insert(0, "round", members["round"].iloc[0] if len(members) else None)
    fresh = fresh_partners(members, rules, Formula(raw.n, lambda at: at.of(rules.blocks) | at.of(pins)))
    asked = members["wants_similar_role"].to_numpy(bool)
    thin = [f"{ids[i]} ({members.iloc[i]['role']}): {int(fresh[i])} fresh partner(s) of their role left"
            for i in np.flatnonzero(asked & (fresh < FEW_FRESH_PARTNERS))]
    summary = {
        "pairs": sum(len(g) == 2 for g in pairing.groups), "triads": sum(len(g) == 3 for g in pairing.groups),
        "byes": len(pairing.byes), "unpaired": len(pairing.left_out), "total_score": pairing.total,
        "proven_optimal": pairing.proven_optimal, "solver_status": pairing.solver_status,
        "violations": len(broken), "low_quality_pairs": len(low_text),
        **{f"broken_{name}": float(cost) for name, cost in pairing.broken.items()},
        "earlier_pairs_barred": rules.ages.mapped(lambda age: age > 0, dtype=bool).count_true(),
        "role_mismatches_barred": rules.mismatches(),
        "byes_excluded_by_rotation": int(members["member_id"].isin(history.recent_byes).sum()),
        "worse_off_last_round": int(members["member_id"].isin(history.worse_off).sum()),
        "members_without_backup": int(table["backup_1"].isna().sum()),
        "pins": len(pinned), "blocks": rules.blocks.count_true(),
        **fresh_summary(fresh, asked),
    }
    return RoundPairing(table, pairing, [t for *_, t in broken], low_text, summary, unpaired, thin)


# bands of fresh partners left, for the distribution in the metadata
_FRESH_BANDS = ((0, 0), (1, 2), (3, 5), (6, 10), (11, 20), (21, None))


def fresh_summary(fresh: np.ndarray, asked: np.ndarray) -> dict:
    """The distribution of fresh partners left: min, p10 and median over everyone, members per
    band (`fresh_partners_members`), and the minimum over similar-role requesters (of their role)."""
    if not len(fresh):
        return {}
    bands = {(f"{low}" if low == high else f"{low}+" if high is None else f"{low}-{high}"):
             int(((fresh >= low) & (fresh <= (high if high is not None else fresh.max()))).sum())
             for low, high in _FRESH_BANDS}
    return {"fresh_partners_min": float(fresh.min()), "fresh_partners_p10": float(np.quantile(fresh, 0.1)),
            "fresh_partners_median": float(np.median(fresh)), "fresh_partners_members": bands,
            "fresh_same_role_min": float(fresh[asked].min()) if asked.any() else float("nan")}
