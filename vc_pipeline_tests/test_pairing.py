"""The pairing solver against brute force, and the round's hard rules."""

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from vc_pipeline.pairing import PairingInfeasible, solve_pairing
from vc_pipeline.pairing.round_pairing import RoundInfeasible, pair_round
from vc_pipeline_tests.conftest import best_total_brute_force


def random_scores(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n, n)), 1)
    return upper + upper.T


@pytest.mark.parametrize("n, seed", [(n, s) for n in (2, 3, 4, 5, 6, 7, 8, 9, 10) for s in (1, 2)])
def test_total_equals_brute_force(n, seed):
    scores = random_scores(n, seed)
    rng = np.random.default_rng(seed + 100)
    forbidden = {(i, j) for i, j in itertools.combinations(range(n), 2) if rng.random() < 0.25}
    best = best_total_brute_force(scores, forbidden)
    if best is None:
        with pytest.raises(PairingInfeasible):
            solve_pairing(scores, forbidden)
        return
    result = solve_pairing(scores, forbidden)
    assert result.total == pytest.approx(best, abs=1e-9)
    assert result.proven_optimal
    members = sorted(i for g in result.groups for i in g)
    assert members == list(range(n))
    assert sum(len(g) == 1 for g in result.groups) == n % 2
    assert not {tuple(sorted(g)) for g in result.groups if len(g) == 2} & forbidden


def test_forbidden_pairs_are_order_free():
    scores = random_scores(4, 3)
    best_pair = max(itertools.combinations(range(4), 2), key=lambda p: scores[p])
    result = solve_pairing(scores, [best_pair[::-1]])
    assert tuple(sorted(best_pair)) not in [tuple(sorted(g)) for g in result.groups]


def test_infeasible_names_the_stranded_members():
    scores = random_scores(4, 1)
    # member 0 may meet nobody
    with pytest.raises(PairingInfeasible) as error:
        solve_pairing(scores, [(0, 1), (0, 2), (0, 3)])
    assert 0 in error.value.stranded


def members_table(roles, similar):
    return pd.DataFrame({
        "round": dt.date(2026, 1, 1),
        "member_id": [f"{i:016x}" for i in range(len(roles))],
        "role": roles, "wants_similar_role": similar,
    })


def full_scores(members, scores):
    ids = list(members["member_id"])
    rows = [{"member_a": ids[i], "member_b": ids[j], "score": scores[i, j]}
            for i, j in itertools.combinations(range(len(ids)), 2)]
    return pd.DataFrame(rows)


def test_similar_role_request_beats_a_better_scoring_stranger():
    members = members_table(["ML Engineer", "ML Engineer", "Founder", "Founder"], [True, False, False, False])
    scores = np.full((4, 4), 0.1)
    scores[0, 2] = scores[2, 0] = 0.9  # the requester's best match has another role
    result = pair_round(members, full_scores(members, scores), met_before=set())
    partner = result.table.set_index("member_id").loc[f"{0:016x}", "partner_id"]
    assert partner == f"{1:016x}"


def test_earlier_pairs_never_repeat():
    members = members_table(["Other"] * 4, [False] * 4)
    scores = random_scores(4, 5)
    first = pair_round(members, full_scores(members, scores), met_before=set())
    met = {frozenset(g) for g in first.table[first.table.kind == "pair"].groupby("group_id")["member_id"].apply(tuple)}
    second = pair_round(members, full_scores(members, scores), met_before=met)
    again = {frozenset(g) for g in second.table[second.table.kind == "pair"].groupby("group_id")["member_id"].apply(tuple)}
    assert not met & again and len(again) == 2


def test_unmeetable_similar_role_request_names_member_and_constraint():
    members = members_table(["Founder", "ML Engineer", "ML Engineer", "Data Scientist"], [True, False, False, False])
    with pytest.raises(RoundInfeasible, match=rf"member {0:016x}: asked for a similar role \(Founder: 0 other"):
        pair_round(members, full_scores(members, random_scores(4, 2)), met_before=set())


def test_odd_round_has_exactly_one_bye_row():
    members = members_table(["Other"] * 5, [False] * 5)
    table = pair_round(members, full_scores(members, random_scores(5, 9)), met_before=set()).table
    byes = table[table["kind"] == "bye"]
    assert len(byes) == 1 and byes["partner_id"].isna().all() and byes["score"].isna().all()
