"""Ranked backups: the hard rules, the cap, coverage before second backups, and optimality against
an exact ILP (PuLP + HiGHS over every allowed pair).

The scale measurement at the bottom is not a test; run it by hand:
    .venv/bin/python -m vc_pipeline_tests.test_backups
"""

import itertools
from collections import Counter

import numpy as np
import pulp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vc_pipeline.pairing.backups import choose_backups


def random_round(n: int, seed: int, forbid: float = 0.2, ties: bool = False):
    """Symmetric scores, the round's groups (pairs, a triad when n is odd) and forbidden pairs."""
    rng = np.random.default_rng(seed)
    raw = rng.integers(-2, 10, (n, n)) / 10 if ties else rng.uniform(-0.3, 1.0, (n, n))
    upper = np.triu(raw, 1)
    scores = upper + upper.T
    order = [int(i) for i in rng.permutation(n)]
    groups = [tuple(order[k:k + 2]) for k in range(0, n - n % 2, 2)]
    if n % 2 and len(groups):
        groups[-1] += (order[-1],)
    elif n % 2:
        groups.append((order[-1],))
    forbidden = {(i, j) for i, j in itertools.combinations(range(n), 2) if rng.random() < forbid}
    return scores, groups, forbidden


def allowed(n, groups, forbidden) -> set[tuple[int, int]]:
    """Ordered (member, backup) pairs that every hard rule allows."""
    mates = {(i, j) for g in groups for i in g for j in g}
    return {(i, j) for i in range(n) for j in range(n)
            if i != j and (i, j) not in mates and (min(i, j), max(i, j)) not in forbidden}


def assert_valid(result, scores, groups, forbidden, per_member, cap):
    n = len(scores)
    ok = allowed(n, groups, forbidden)
    assert len(result) == n
    uses = Counter()
    for i, slots in enumerate(result):
        assert len(slots) == per_member
        chosen = [j for j in slots if j is not None]
        assert list(slots) == chosen + [None] * (per_member - len(chosen)), "None only as padding"
        assert len(set(chosen)) == len(chosen), "backups are distinct"
        assert all((i, j) in ok for j in chosen), f"member {i}: backup not allowed: {chosen}"
        assert all(scores[i, a] >= scores[i, b] for a, b in itertools.pairwise(chosen)), "ranked by score"
        uses.update(chosen)
    assert max(uses.values(), default=0) <= cap


def exact_optimum(scores, groups, forbidden, per_member, cap) -> tuple[int, float]:
    """(members with >= 1 backup, total backup score), lexicographically best, by a 0/1 ILP."""
    n = len(scores)
    pairs = sorted(allowed(n, groups, forbidden))
    problem = pulp.LpProblem("backups", pulp.LpMaximize)
    x = {p: pulp.LpVariable(f"x_{p[0]}_{p[1]}", cat="Binary") for p in pairs}
    covered = [pulp.LpVariable(f"c_{i}", cat="Binary") for i in range(n)]
    for i in range(n):
        mine = [v for (a, _), v in x.items() if a == i]
        problem += pulp.lpSum(mine) <= per_member
        problem += covered[i] <= pulp.lpSum(mine)
        problem += pulp.lpSum(v for (_, b), v in x.items() if b == i) <= cap
    problem += pulp.lpSum(covered)
    assert problem.solve(pulp.HiGHS(msg=False)) == pulp.LpStatusOptimal
    best_cover = round(pulp.value(problem.objective) or 0)
    problem += pulp.lpSum(covered) >= best_cover
    problem.setObjective(pulp.lpSum(float(scores[p]) * v for p, v in x.items()))
    assert problem.solve(pulp.HiGHS(msg=False)) == pulp.LpStatusOptimal
    return best_cover, float(pulp.value(problem.objective) or 0.0)


def covered_and_total(result, scores) -> tuple[int, float]:
    chosen = [(i, j) for i, slots in enumerate(result) for j in slots if j is not None]
    return sum(slots[0] is not None for slots in result), float(sum(scores[p] for p in chosen))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 8), seed=st.integers(0, 10_000), per_member=st.integers(1, 3),
       cap=st.integers(0, 3), candidates=st.integers(1, 8), forbid=st.sampled_from([0.0, 0.3, 0.6]),
       ties=st.booleans())
def test_optimal_like_an_exact_ilp(n, seed, per_member, cap, candidates, forbid, ties):
    scores, groups, forbidden = random_round(n, seed, forbid, ties)
    result = choose_backups(scores, groups, forbidden, per_member=per_member, cap=cap, candidates=candidates)
    assert_valid(result, scores, groups, forbidden, per_member, cap)
    best_cover, best_total = exact_optimum(scores, groups, forbidden, per_member, cap)
    cover, total = covered_and_total(result, scores)
    assert cover == best_cover
    assert total == pytest.approx(best_total, abs=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hard_rules_ranking_and_cap(seed):
    n = 41  # odd: one triad
    scores, groups, forbidden = random_round(n, seed, forbid=0.3)
    result = choose_backups(scores, groups, forbidden, per_member=2, cap=3, candidates=4)
    assert_valid(result, scores, groups, forbidden, 2, 3)


def test_a_bye_has_no_group_mates_to_exclude():
    scores, _, _ = random_round(5, 7)
    result = choose_backups(scores, [(0, 1), (2, 3), (4,)], set())
    assert_valid(result, scores, [(0, 1), (2, 3), (4,)], set(), 2, 3)
    assert all(j is not None for j in result[4])


def test_slack_gives_everyone_two():
    scores, groups, _ = random_round(20, 4)
    scores = np.abs(scores) + 0.01  # positive scores: a second backup always adds to the total
    result = choose_backups(scores, groups, set(), per_member=2, cap=3)
    assert all(None not in slots for slots in result)


def test_popular_member_is_capped():
    n, cap = 12, 3
    scores, groups, _ = random_round(n, 5)
    scores = np.abs(scores) * 0.1
    scores[0, 1:] = scores[1:, 0] = 1.0  # everyone suits member 0 best
    result = choose_backups(scores, groups, set(), cap=cap)
    uses = Counter(j for slots in result for j in slots if j is not None)
    assert uses[0] == cap
    assert all(slots[0] == 0 for slots in result if 0 in slots), "the popular member ranks first"


def test_every_member_covered_before_anyone_gets_a_second():
    # cap 1, three members: the best score total (3.0) would give A both B and C and leave C with
    # none; covering everyone once (2.1) must win
    scores = np.array([[0, 1, 1], [1, 0, 0.1], [1, 0.1, 0]])
    result = choose_backups(scores, [(0,), (1,), (2,)], set(), per_member=2, cap=1)
    assert all(slots[0] is not None and slots[1] is None for slots in result)


def test_coverage_wins_even_when_it_costs_a_chain_of_better_scores():
    # cap 1: member 1 may only have member 2 (score -0.29). Covering 1 reshuffles a chain of
    # better pairs; a solve with a small first-slot bonus leaves 1 out, so the bonus must be raised
    scores = np.array([
        [0, .38, .82, .66, .32, .76], [.38, 0, -.29, .58, .72, .62], [.82, -.29, 0, .91, .77, .59],
        [.66, .58, .91, 0, .87, .64], [.32, .72, .77, .87, 0, .82], [.76, .62, .59, .64, .82, 0],
    ])
    groups, forbidden = [(4, 1), (5, 0), (2, 3)], {(0, 1), (0, 3), (1, 3), (1, 5)}
    result = choose_backups(scores, groups, forbidden, per_member=2, cap=1)
    assert_valid(result, scores, groups, forbidden, 2, 1)
    assert result[1][0] == 2
    assert covered_and_total(result, scores) == pytest.approx(exact_optimum(scores, groups, forbidden, 2, 1))


def test_member_without_an_allowed_partner_gets_none():
    scores, groups, _ = random_round(6, 6)
    forbidden = {(0, j) for j in range(1, 6)}
    result = choose_backups(scores, groups, forbidden)
    assert result[0] == (None, None)
    assert all(0 not in slots for slots in result)
    assert all(slots[0] is not None for slots in result[1:])


def test_forbidden_pairs_are_order_free():
    scores = np.ones((4, 4))
    result = choose_backups(scores, [(0, 1), (2, 3)], {(3, 0), (2, 0)})
    assert result[0] == (None, None)


def test_edge_inputs():
    assert choose_backups(np.zeros((0, 0)), [], set()) == []
    assert choose_backups(np.ones((3, 3)), [(0, 1, 2)], set()) == [(None, None)] * 3
    assert choose_backups(np.ones((3, 3)), [], set(), cap=0) == [(None, None)] * 3
    with pytest.raises(ValueError, match="square"):
        choose_backups(np.ones((2, 3)), [], set())
    with pytest.raises(ValueError, match="finite"):
        choose_backups(np.full((2, 2), np.nan), [], set())


def _measure_scale(n: int = 5000, dims: int = 32, seed: int = 0) -> None:
    """Print how long N members take: random cosine scores, random pairs, some forbidden pairs."""
    import time

    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, dims))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = vectors @ vectors.T
    order = rng.permutation(n)
    groups = [tuple(int(i) for i in order[k:k + 2]) for k in range(0, n, 2)]
    pairs = rng.integers(0, n, (20 * n, 2))  # ~20 "met before" per member
    forbidden = {(int(min(a, b)), int(max(a, b))) for a, b in pairs if a != b}
    start = time.perf_counter()
    result = choose_backups(scores, groups, forbidden)
    seconds = time.perf_counter() - start
    filled = Counter(sum(j is not None for j in slots) for slots in result)
    uses = Counter(j for slots in result for j in slots if j is not None)
    print(f"N={n}: {seconds:.2f} s; members by backups held {dict(sorted(filled.items()))}; "
          f"most uses of one backup {max(uses.values())}; members used as backup {len(uses)}")


if __name__ == "__main__":
    _measure_scale()


def test_forbidden_pairs_as_blocks_choose_the_same_backups():
    from vc_pipeline.pairing.pair_blocks import Formula

    rng = np.random.default_rng(3)
    n = 40
    scores = np.triu(rng.random((n, n)), 1)
    scores += scores.T
    mask = np.triu(rng.random((n, n)) < 0.3, 1)
    groups = [(i, i + 1) for i in range(0, n, 2)]
    listed = choose_backups(scores, groups, np.argwhere(mask), cap=2)
    by_block = choose_backups(scores, groups, Formula(n, lambda at: at.matrix(mask | mask.T)), cap=2)
    assert listed == by_block
    assert all(not (mask | mask.T)[i, j] for i, backups in enumerate(by_block) for j in backups if j is not None)
