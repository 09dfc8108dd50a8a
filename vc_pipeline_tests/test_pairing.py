"""A round's pairing: hard rules, graceful violations, bye rotation, levers, backups, explanations."""

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from vc_pipeline.pairing.round_pairing import RoundHistory, RoundInfeasible, pair_round
from vc_pipeline.pairing.settings import PairingSettings
from vc_pipeline.scoring.pair_scores import COMPONENTS

NEUTRAL = dict(popularity_damping=0.0, cross_stage_bonus=0.0, min_pair_quality=None)


def member_id(i: int) -> str:
    return f"{i:016x}"


def members_table(roles, similar=None, stages=None):
    n = len(roles)
    return pd.DataFrame({
        "round": dt.date(2026, 1, 1), "member_id": [member_id(i) for i in range(n)], "role": roles,
        "wants_similar_role": similar or [False] * n, "career_stage": stages or [4] * n,
    })


def score_rows(scores: np.ndarray) -> pd.DataFrame:
    rows = []
    for i, j in itertools.combinations(range(len(scores)), 2):
        rows.append({"member_a": member_id(i), "member_b": member_id(j), "score": scores[i, j],
                     **{c: 0.5 for c in COMPONENTS}})
    return pd.DataFrame(rows)


def symmetric(n, seed):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n, n)) * 0.5 + 0.4, 1)
    return upper + upper.T


def partner_of(table, i):
    return table.set_index("member_id").loc[member_id(i), "partner_id"]


def pairs_of(table):
    return {frozenset(g) for g in table[table["kind"] == "pair"].groupby("group_id")["member_id"].apply(tuple)}


def test_similar_role_request_beats_a_better_scoring_stranger():
    members = members_table(["ML Engineer", "ML Engineer", "Founder", "Founder"], [True, False, False, False])
    scores = np.full((4, 4), 0.5)
    scores[0, 2] = scores[2, 0] = 0.95
    result = pair_round(members, score_rows(scores), settings=PairingSettings(**NEUTRAL))
    assert partner_of(result.table, 0) == member_id(1) and result.violations == []


def test_earlier_pairs_never_repeat():
    members = members_table(["Other"] * 6)
    rows = score_rows(symmetric(6, 5))
    first = pair_round(members, rows, settings=PairingSettings(**NEUTRAL))
    second = pair_round(members, rows, RoundHistory(met_before=pairs_of(first.table)), PairingSettings(**NEUTRAL))
    assert not pairs_of(first.table) & pairs_of(second.table) and len(pairs_of(second.table)) == 3


def test_an_unmeetable_request_is_a_named_violation_by_default_and_a_failure_when_strict():
    members = members_table(["Founder", "ML Engineer", "ML Engineer", "Data Scientist"], [True, False, False, False])
    rows = score_rows(symmetric(4, 2))
    result = pair_round(members, rows, settings=PairingSettings(**NEUTRAL))
    (violation,) = result.violations
    assert f"{member_id(0)} asked for a similar role (Founder)" in violation
    row = result.table.set_index("member_id").loc[member_id(0)]
    assert row["violations"] == violation and result.summary["violations"] == 1
    with pytest.raises(RoundInfeasible, match=rf"member {member_id(0)}: asked for a similar role \(Founder: 0 other"):
        pair_round(members, rows, settings=PairingSettings(on_infeasible="fail", **NEUTRAL))


def test_graceful_mode_breaks_as_few_rules_as_possible():
    members = members_table(["Other"] * 4)
    scores = symmetric(4, 8)
    everyone_met = {frozenset((member_id(i), member_id(j))) for i, j in [(0, 1), (2, 3), (0, 2)]}
    result = pair_round(members, score_rows(scores), RoundHistory(met_before=everyone_met), PairingSettings(**NEUTRAL))
    assert len(result.violations) == 0  # {0,3},{1,2} is still open
    everyone_met |= {frozenset((member_id(0), member_id(3))), frozenset((member_id(1), member_id(2)))}
    result = pair_round(members, score_rows(scores), RoundHistory(met_before=everyone_met), PairingSettings(**NEUTRAL))
    assert len(result.violations) == 1 and "met in an earlier round" in result.violations[0]


def test_lookback_is_applied_by_history_and_only_recent_pairs_are_barred():
    members = members_table(["Other"] * 4)
    scores = np.full((4, 4), 0.5)
    scores[0, 1] = scores[1, 0] = scores[2, 3] = scores[3, 2] = 0.9
    old = {frozenset((member_id(0), member_id(1)))}
    barred = pair_round(members, score_rows(scores), RoundHistory(met_before=old), PairingSettings(**NEUTRAL))
    free = pair_round(members, score_rows(scores), RoundHistory(), PairingSettings(**NEUTRAL))
    assert partner_of(barred.table, 0) != member_id(1) and partner_of(free.table, 0) == member_id(1)


def test_the_bye_rotates_across_three_rounds():
    members = members_table(["Other"] * 5)
    rows = score_rows(symmetric(5, 11))
    settings = PairingSettings(**NEUTRAL, bye_rotation_rounds=3)
    history, byes = RoundHistory(), []
    for _ in range(3):
        table = pair_round(members, rows, history, settings).table
        (bye,) = table.loc[table["kind"] == "bye", "member_id"]
        byes.append(bye)
        history = RoundHistory(met_before=set(), recent_byes=history.recent_byes | {bye})
    assert len(set(byes)) == 3


def test_triad_mode_makes_one_triad_and_no_bye():
    members = members_table(["Other"] * 7)
    table = pair_round(members, score_rows(symmetric(7, 4)), settings=PairingSettings(odd="triad", **NEUTRAL)).table
    assert (table["kind"] == "triad").sum() == 3 and (table["kind"] == "bye").sum() == 0
    triad = table[table["kind"] == "triad"]
    assert all(len(p.split(",")) == 2 for p in triad["partner_id"])


def crowded_round():
    """Member 0 is everyone's first choice; giving 0 its best partner (1) leaves 2 and 3 a weak pair."""
    scores = np.array([[0, .95, .70, .65], [.95, 0, .30, .62], [.70, .30, 0, .40], [.65, .62, .40, 0]])
    return scores


def test_popularity_moderation_lifts_the_weakest_pair_at_the_popular_members_expense():
    members, rows = members_table(["Other"] * 4), score_rows(crowded_round())

    def solve(damping):
        settings = PairingSettings(**{**NEUTRAL, "popularity_damping": damping, "popularity_candidates": 1})
        return pair_round(members, rows, settings=settings).table

    off, on = solve(0.0), solve(1.0)
    weakest = (lambda t: t.loc[t["kind"] == "pair", "score"].min())
    assert partner_of(off, 0) == member_id(1) and partner_of(on, 0) != member_id(1)
    assert weakest(on) > weakest(off)


def test_cross_stage_bonus_raises_the_cross_stage_share():
    members = members_table(["Other"] * 4, stages=[1, 1, 6, 6])
    scores = np.full((4, 4), 0.5)
    scores[0, 1] = scores[1, 0] = scores[2, 3] = scores[3, 2] = 0.52
    stages = dict(zip(members["member_id"], members["career_stage"]))

    def cross_share(bonus):
        table = pair_round(members, score_rows(scores), settings=PairingSettings(**{**NEUTRAL, "cross_stage_bonus": bonus})).table
        return np.mean([stages[m] != stages[p] for m, p in zip(table["member_id"], table["partner_id"])])

    assert cross_share(0.0) == 0.0 and cross_share(0.05) == 1.0


def test_low_quality_pairs_are_reported():
    members = members_table(["Other"] * 4)
    scores = np.array([[0, .9, .1, .1], [.9, 0, .1, .1], [.1, .1, 0, .2], [.1, .1, .2, 0]])
    result = pair_round(members, score_rows(scores), settings=PairingSettings(**{**NEUTRAL, "min_pair_quality": 0.3}))
    assert len(result.low_quality) == 1 and "below 0.3" in result.low_quality[0]
    assert result.table["low_quality"].sum() == 2


def test_backups_respect_the_rules_and_rank_by_score():
    members = members_table(["Data Scientist"] * 4 + ["Founder"] * 4, [True] + [False] * 7)
    scores = symmetric(8, 21)
    met = {frozenset((member_id(0), member_id(1)))}
    table = pair_round(members, score_rows(scores), RoundHistory(met_before=met), PairingSettings(**NEUTRAL)).table
    rows = table.set_index("member_id")
    backups_of_0 = {rows.loc[member_id(0), "backup_1"], rows.loc[member_id(0), "backup_2"]} - {None}
    assert backups_of_0 and backups_of_0 <= {member_id(2), member_id(3)} - {rows.loc[member_id(0), "partner_id"]}
    index = {member_id(i): i for i in range(8)}
    for m, row in rows.iterrows():
        assert row["backup_1"] != row["partner_id"] and row["backup_1"] != m
        if row["backup_2"] is not None:
            assert scores[index[m], index[row["backup_1"]]] >= scores[index[m], index[row["backup_2"]]]
    counts = pd.concat([rows["backup_1"], rows["backup_2"]]).value_counts()
    assert counts.max() <= PairingSettings().backup_cap


def test_each_pair_carries_its_score_components():
    members = members_table(["Other"] * 4)
    rows = score_rows(symmetric(4, 3))
    rows["skills"] = np.linspace(0.1, 0.9, len(rows))
    table = pair_round(members, rows, settings=PairingSettings(**NEUTRAL)).table
    for _, row in table.iterrows():
        a, b = sorted((row["member_id"], row["partner_id"]))
        expected = rows[(rows.member_a == a) & (rows.member_b == b)]["skills"].iloc[0]
        assert row["fit_skills"] == pytest.approx(expected)


def test_pins_meet_and_blocks_never_do():
    members = members_table(["Other"] * 6)
    scores = symmetric(6, 13)
    free = pair_round(members, score_rows(scores), settings=PairingSettings(**NEUTRAL)).table
    a, b = member_id(0), partner_of(free, 0)
    other = next(member_id(i) for i in range(1, 6) if member_id(i) != b)
    pinned = pair_round(members, score_rows(scores), settings=PairingSettings(**NEUTRAL),
                        pinned=[frozenset((a, other))], blocked=[frozenset((a, b))]).table
    assert partner_of(pinned, 0) == other
    assert frozenset((a, b)) not in pairs_of(pinned)


def test_a_pin_beats_history_and_is_reported():
    members = members_table(["Other"] * 4)
    met = {frozenset((member_id(0), member_id(1)))}
    result = pair_round(members, score_rows(symmetric(4, 2)), RoundHistory(met_before=met), PairingSettings(**NEUTRAL),
                        pinned=[frozenset((member_id(0), member_id(1)))])
    assert partner_of(result.table, 0) == member_id(1)
    assert "met in an earlier round" in result.violations[0]
