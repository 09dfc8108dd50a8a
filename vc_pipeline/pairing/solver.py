"""Optimal 1:1 pairing of a round: an integer program solved on a sparse candidate graph and
proven optimal for the complete graph by pricing every excluded pair (and triad) with LP duals."""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from vc_pipeline.pairing.master import Columns, MasterSolution, SolverFailed, solve_master
from vc_pipeline.pairing.greedy import greedy_pairing
from vc_pipeline.pairing.relaxation import RoundRelaxation
from vc_pipeline.pairing.pricing import (Duals, best_candidates, price_pairs, price_triads, triad_value,
                                        violated_odd_sets)

OddMode = Literal["bye", "triad"]
_EPS = 1e-7
_FULL_TRIADS_UP_TO = 40  # below this many members every triad is a column from the start
_MAX_NEW_COLUMNS = 20000
_MAX_CUT_ROUNDS = 200
_STALLED_CUT_ROUNDS = 10
_MAX_NEW_COLUMNS_PER_MEMBER = 2

__all__ = ["Pairing", "PairingInfeasible", "SolverFailed", "solve_pairing"]


class PairingInfeasible(ValueError):
    """The hard constraints leave some members with nobody they may meet."""

    def __init__(self, stranded: list[int]):
        self.stranded = stranded
        super().__init__(f"no pairing meets every hard constraint; members that cannot be placed: {stranded}")


@dataclass
class Pairing:
    """The solved round.

    groups: tuples of member indices covering every member once: pairs, at most one triad or one
    bye (a 1-tuple), plus a 1-tuple for each member the hard constraints left out.
    total: the sum of the pair scores (a triad counts its three pairs).
    proven_optimal: the total is proven best over the complete graph, not just the candidates.
    violations / low_quality: the pairs used despite being discouraged / below the minimum quality.
    """

    groups: list[tuple[int, ...]]
    total: float
    proven_optimal: bool
    solver_status: str = ""
    byes: list[int] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)
    violations: list[tuple[int, int]] = field(default_factory=list)
    low_quality: list[tuple[int, int]] = field(default_factory=list)


def _pair_mask(n: int, pairs) -> np.ndarray:
    if isinstance(pairs, np.ndarray) and pairs.dtype == bool:
        mask = pairs | pairs.T
    else:
        mask = np.zeros((n, n), dtype=bool)
        for i, j in pairs:
            if i != j:
                mask[i, j] = mask[j, i] = True
    return mask


@dataclass
class _Problem:
    values: np.ndarray  # objective value of each pair; -inf where the pair may not be used
    odd: OddMode
    bye_members: list[int]
    left_out_value: float
    candidates: int
    time_limit: float

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def count(self) -> int:
        return self.n % 2

    @property
    def count_kind(self) -> str:
        return "triad" if self.odd == "triad" and self.n >= 3 else "bye"


def _columns(problem: _Problem, pairs: set, triads: set, odd_sets: list) -> Columns:
    pairs_sorted, triads_sorted = sorted(pairs), sorted(triads)
    byes = problem.bye_members if problem.count and problem.count_kind == "bye" else []
    return Columns(pairs_sorted, [float(problem.values[p]) for p in pairs_sorted], triads_sorted,
                   [triad_value(problem.values, *t) for t in triads_sorted], byes, [0.0] * len(byes), odd_sets)


def _initial_triads(problem: _Problem, pairs: set) -> set:
    if problem.count_kind != "triad" or not problem.count:
        return set()
    values, n = problem.values, problem.n
    if n <= _FULL_TRIADS_UP_TO:
        return {t for t in itertools.combinations(range(n), 3) if np.isfinite(triad_value(values, *t))}
    triads = set()
    for k in range(n):
        best = [j for j in np.argsort(-values[k])[:3] if np.isfinite(values[k, j])]
        for i, j in itertools.combinations(best, 2):
            if np.isfinite(values[i, j]):
                triads.add(tuple(sorted((k, int(i), int(j)))))
    return triads


def _solve(problem: _Problem, pairs: set, triads: set, odd_sets: list) -> MasterSolution:
    return solve_master(problem.n, _columns(problem, pairs, triads, odd_sets), count=problem.count,
                        count_kind=problem.count_kind, left_out_value=problem.left_out_value,
                        time_limit=problem.time_limit)


def _price(problem: _Problem, lp, odd_sets: list, above: float, pairs: set,
           triads: set) -> tuple[list, list]:
    present = np.zeros((problem.n, problem.n), dtype=bool)
    for i, j in pairs:
        present[i, j] = True
    duals = Duals(lp.member_duals, lp.count_dual, odd_sets, lp.odd_set_duals)
    new_pairs = price_pairs(problem.values, duals, above, present,
                            min(_MAX_NEW_COLUMNS, max(1000, _MAX_NEW_COLUMNS_PER_MEMBER * problem.n)))
    new_triads = []
    if problem.count_kind == "triad" and problem.count and problem.n > _FULL_TRIADS_UP_TO:
        new_triads = price_triads(problem.values, duals, above, triads, _MAX_NEW_COLUMNS)
    return new_pairs, new_triads


def _relaxation(problem: _Problem, pairs: set, triads: set) -> RoundRelaxation:
    relaxation = RoundRelaxation(problem.n, left_out_value=problem.left_out_value, count=problem.count,
                                 count_kind=problem.count_kind,
                                 bye_members=problem.bye_members if problem.count and problem.count_kind == "bye" else [])
    relaxation.add_pairs(sorted(pairs), problem.values)
    relaxation.add_triads(sorted(triads), [triad_value(problem.values, *t) for t in sorted(triads)])
    return relaxation


def _generate(problem: _Problem) -> tuple[MasterSolution, bool]:
    """Column generation and odd-set cuts to the LP optimum over the complete graph, then the
    integer optimum, adding every column that could still beat the incumbent until none can."""
    # the greedy pairing's pairs make the first LP cover everyone, so its duals are meaningful
    greedy, _ = greedy_pairing(np.where(np.isfinite(problem.values), problem.values, 0.0), ~np.isfinite(problem.values))
    pairs = best_candidates(problem.values, problem.candidates) | {g for g in greedy if len(g) == 2}
    triads = _initial_triads(problem, pairs)
    relaxation = _relaxation(problem, pairs, triads)
    stalled, best_bound = 0, np.inf
    for _ in range(_MAX_CUT_ROUNDS):
        lp = relaxation.solve()
        new_pairs, new_triads = _price(problem, lp, relaxation.odd_sets, _EPS, pairs, triads)
        if new_pairs or new_triads:
            pairs.update(new_pairs)
            triads.update(new_triads)
            relaxation.add_pairs(new_pairs, problem.values)
            relaxation.add_triads(new_triads, [triad_value(problem.values, *t) for t in new_triads])
            continue
        # blossom inequalities cut off the LP's fractional odd cycles, which symmetric rounds are full of;
        # once cuts stop lowering the bound, only tied alternatives are being cut: leave the rest to the ILP
        stalled = stalled + 1 if lp.objective > best_bound - 1e-9 else 0
        best_bound = min(best_bound, lp.objective)
        new_sets = [] if lp.integral or stalled >= _STALLED_CUT_ROUNDS else violated_odd_sets(problem.n, lp.pair_levels)
        if not new_sets:
            break
        relaxation.add_odd_sets(new_sets)
    odd_sets = relaxation.odd_sets
    while True:
        ilp = _solve(problem, pairs, triads, odd_sets)
        # a column can only help if its reduced cost beats the gap between LP bound and incumbent
        above = min(0.0, ilp.objective - lp.objective) + _EPS
        new_pairs, new_triads = _price(problem, lp, odd_sets, above, pairs, triads)
        if not new_pairs and not new_triads:
            return ilp, True
        pairs.update(new_pairs)
        triads.update(new_triads)


def _result(scores: np.ndarray, solution: MasterSolution, proven: bool, tiers: np.ndarray) -> Pairing:
    groups = sorted([tuple(p) for p in solution.pairs] + [tuple(t) for t in solution.triads]
                    + [(i,) for i in solution.byes] + [(i,) for i in solution.left_out])
    used = [p for g in groups for p in itertools.combinations(g, 2)]
    return Pairing(
        groups=groups, total=float(sum(scores[p] for p in used)), proven_optimal=proven,
        solver_status=solution.status, byes=list(solution.byes), left_out=list(solution.left_out),
        violations=[p for p in used if tiers[p] == 2], low_quality=[p for p in used if tiers[p] == 1],
    )


def solve_pairing(scores: np.ndarray, forbidden: Iterable[tuple[int, int]] | np.ndarray = (), *,
                  odd: OddMode = "bye", discouraged: Iterable[tuple[int, int]] | np.ndarray = (),
                  min_quality: float | None = None, low_quality: np.ndarray | None = None,
                  bye_allowed: np.ndarray | None = None,
                  candidates: int = 6, time_limit: float = 120.0) -> Pairing:
    """The pairing of N members that maximizes the total pair score, proven optimal.

    scores: N×N symmetric array of pair scores. forbidden: index pairs (i, j) (or an N×N bool
    mask) that may never meet. odd: for an odd N, "bye" leaves one member out, "triad" puts one
    group of three together (chosen inside the optimization). discouraged: pairs used only when
    nothing else can pair everyone, as few as possible (graceful hard constraints).
    min_quality: pairs scoring below it are used only when nothing else can pair everyone
    (low_quality: the same as an N×N bool mask, when quality is judged on other scores).
    bye_allowed: bool mask of members who may take the bye (all when None or none allowed).
    candidates: partners per member in the starting sparse graph (more are added by pricing).

    Order of priority: fewest members left out, then fewest discouraged pairs, then fewest
    low-quality pairs, then the highest total. Returns a Pairing; raises SolverFailed when the
    solver cannot prove an optimum (e.g. time limit), never reading a partial solution.
    """
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    if odd not in ("bye", "triad"):
        raise ValueError(f"odd='{odd}'; expected 'bye' or 'triad'")
    if n == 0:
        return Pairing([], 0.0, True, "Optimal")
    excluded = _pair_mask(n, forbidden) | np.eye(n, dtype=bool)
    tiers = np.zeros((n, n), dtype=np.int8)
    if min_quality is not None:
        tiers[scores < min_quality] = 1
    if low_quality is not None:
        tiers[low_quality | low_quality.T] = 1
    tiers[_pair_mask(n, discouraged)] = 2
    byes = [i for i in range(n) if bye_allowed is None or bye_allowed[i]] or list(range(n))
    finite = scores[~excluded]
    span = float(finite.max() - finite.min()) + 1.0 if finite.size else 1.0
    # each priority level outweighs everything below it over a whole round
    weight = [0.0, span * (n // 2 + 1)]
    weight += [weight[1] * (n // 2 + 2), weight[1] * (n // 2 + 2) ** 2]
    clean = np.where(excluded | (tiers > 0), -np.inf, scores)
    problem = _Problem(clean, odd, byes, -weight[2], candidates, time_limit)
    solution, proven = _generate(problem)
    if solution.left_out and (tiers[~excluded] > 0).any():
        graded = np.where(excluded, -np.inf, scores - np.choose(tiers, weight[:3]))
        problem = _Problem(graded, odd, byes, -weight[3], candidates, time_limit)
        solution, proven = _generate(problem)
    return _result(scores, solution, proven, tiers)
