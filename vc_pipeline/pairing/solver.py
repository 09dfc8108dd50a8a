"""Optimal 1:1 pairing of a round: an integer program solved on a sparse candidate graph (or the
LP relaxation's own solution, when that is already integral) and proven optimal for the complete
graph by pricing every excluded pair (and triad) with LP duals."""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from vc_pipeline.pairing.greedy import greedy_cover
from vc_pipeline.pairing.master import Budget, Columns, MasterSolution, SolverFailed, solve_master
from vc_pipeline.pairing.pair_blocks import Dense, Formula, PairBlocks, SparsePairs, as_blocks, row_blocks
from vc_pipeline.pairing.pricing import Duals, ValueScan, price_pairs, price_triads, scan_values, triad_values, violated_odd_sets
from vc_pipeline.pairing.relaxation import RoundRelaxation

OddMode = Literal["bye", "triad"]
_EPS = 1e-7
_FULL_TRIADS_UP_TO = 40  # below this many members every triad is a column from the start
_MAX_NEW_COLUMNS = 20000
_MAX_CUT_ROUNDS = 200
_STALLED_CUT_ROUNDS = 10
_MAX_NEW_COLUMNS_PER_MEMBER = 2
# a stage's values are kept as one array up to this many members (512 MB), else computed by block on each read
_DENSE_UP_TO = 8000

__all__ = ["Level", "Pairing", "PairingInfeasible", "SolverFailed", "solve_pairing"]


class PairingInfeasible(ValueError):
    """The hard constraints leave some members with nobody they may meet."""

    def __init__(self, stranded: list[int]):
        self.stranded = stranded
        super().__init__(f"no pairing meets every hard constraint; members that cannot be placed: {stranded}")


@dataclass
class Level:
    """One rule in the order of rules, as what it costs: `pairs` N×N (symmetric, >= 0; an array
    or PairBlocks, so a big round's rule needs no N×N array) for a pair meeting, `byes` (N, >= 0)
    for a member taking the bye; a triad costs its three pairs."""

    name: str
    pairs: "np.ndarray | PairBlocks"
    byes: np.ndarray | None = None

    def __post_init__(self):
        if not isinstance(self.pairs, PairBlocks):
            self.pairs = np.asarray(self.pairs, dtype=float)
        self.byes = np.zeros(len(self.pairs)) if self.byes is None else np.asarray(self.byes, dtype=float)

    @property
    def costs(self) -> PairBlocks:
        """`pairs` as PairBlocks."""
        return as_blocks(self.pairs)

    def cost(self, groups: Iterable[tuple[int, ...]]) -> float:
        """What `groups` cost this rule (a member left out costs nothing here)."""
        groups = list(groups)
        pairs = [p for group in groups if len(group) > 1 for p in itertools.combinations(group, 2)]
        index = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        costs = iter(np.asarray(self.costs.pairs(index[:, 0], index[:, 1]), dtype=float).tolist())
        total = 0.0
        for group in groups:  # summed group by group, in order, as the costs were always added
            total += (sum(next(costs) for _ in itertools.combinations(group, 2)) if len(group) > 1
                      else self.byes[group[0]])
        return float(total)


class _Excluded(PairBlocks):
    """`values` (negated when `negate`) where no mask holds, -inf where one does; masks are bool
    PairBlocks, or Levels (a pair that costs the level anything is masked)."""

    def __init__(self, values: PairBlocks, masks: list, negate: bool = False):
        self.n, self.values, self.masks, self.negate = values.n, values, masks, negate

    def _masked(self, read) -> np.ndarray:
        masked = None
        for mask in self.masks:
            part = read(mask.costs) > 0 if isinstance(mask, Level) else read(mask)
            masked = part if masked is None else masked | part
        values = read(self.values)
        values = -values if self.negate else values
        return values if masked is None else np.where(masked, -np.inf, values)

    def block(self, rows, cols) -> np.ndarray:
        return self._masked(lambda source: source.block(rows, cols))

    def pairs(self, a, b) -> np.ndarray:
        return self._masked(lambda source: source.pairs(a, b))


@dataclass
class Pairing:
    """The solved round.

    groups: tuples of member indices covering every member once: pairs, at most one triad or one
    bye (a 1-tuple), plus a 1-tuple for each member the hard constraints left out.
    total: the sum of the pair scores (a triad counts its three pairs).
    proven_optimal: the total is proven best over the complete graph, not just the candidates.
    broken: each Level's name and what the pairing costs it (the least any pairing can, in order).
    """

    groups: list[tuple[int, ...]]
    total: float
    proven_optimal: bool
    solver_status: str = ""
    byes: list[int] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)
    broken: dict[str, float] = field(default_factory=dict)


def _pair_mask(n: int, pairs) -> PairBlocks:
    """The pairs that may not meet, both orders, and every member with itself."""
    ids = np.arange(n)
    if isinstance(pairs, PairBlocks):
        mask = pairs if getattr(pairs, "symmetric", False) else Formula(n, lambda at: at.of(pairs) | at.of(pairs, True))
    elif isinstance(pairs, np.ndarray) and pairs.dtype == bool:
        mask = Dense(pairs | pairs.T)
    else:
        index = np.array([p for p in pairs if p[0] != p[1]], dtype=np.int64).reshape(-1, 2)
        mask = SparsePairs(n, index[:, 0], index[:, 1], True, fill=False, dtype=bool)
    return Formula(n, lambda at: at.of(mask) | (at.row(ids) == at.col(ids)), symmetric=True)


def _rows_all(n: int, masks: list) -> tuple[np.ndarray, np.ndarray]:
    """Per member: whether the first mask holds against everyone, and whether any mask does
    (masks: bool PairBlocks or Levels, as in _Excluded), in one pass of row blocks."""
    first, every = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for rows in row_blocks(n):
        read = [(m.costs.block(rows, slice(0, n)) > 0) if isinstance(m, Level) else m.block(rows, slice(0, n))
                for m in masks]
        first[rows] = read[0].all(axis=1)
        every[rows] = np.logical_or.reduce(read).all(axis=1) if len(read) > 1 else first[rows]
    return first, every


def _stage_values(values: PairBlocks) -> PairBlocks:
    """The stage's values as one array when that is small (fast to read again), else as they are:
    computed block by block on every read."""
    return Dense(values.dense()) if values.n <= _DENSE_UP_TO else values


@dataclass
class _Problem:
    values: PairBlocks  # objective value of each pair; -inf where the pair may not be used
    odd: OddMode
    bye_members: list[int]
    bye_values: np.ndarray  # objective value of each member's bye
    left_out_value: float
    candidates: int
    time_limit: float
    budgets: list[Budget] = field(default_factory=list)
    scan: ValueScan | None = None

    @property
    def n(self) -> int:
        return self.values.n

    @property
    def count(self) -> int:
        return self.n % 2

    @property
    def count_kind(self) -> str:
        return "triad" if self.odd == "triad" and self.n >= 3 else "bye"

    @property
    def byes(self) -> list[int]:
        return self.bye_members if self.count and self.count_kind == "bye" else []

    def priced_values(self, budget_duals: list[float]) -> PairBlocks:
        """The pair values less what each pair spends of the settled rules' budgets, at their duals."""
        spent = [(budget.pairs, dual) for budget, dual in zip(self.budgets, budget_duals) if dual > 1e-12]
        if not spent:
            return self.values

        def priced(at):
            values = at.of(self.values)
            for pairs, dual in spent:
                values = values - dual * at.of(pairs)
            return values
        return Formula(self.n, priced)


def _pair_values(values: PairBlocks, pairs: list[tuple[int, int]]) -> list[float]:
    index = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return np.asarray(values.pairs(index[:, 0], index[:, 1]), dtype=float).tolist()


def _columns(problem: _Problem, pairs: set, triads: set, odd_sets: list) -> Columns:
    pairs_sorted, triads_sorted = sorted(pairs), sorted(triads)
    byes = problem.byes
    return Columns(pairs_sorted, _pair_values(problem.values, pairs_sorted), triads_sorted,
                   triad_values(problem.values, triads_sorted).tolist(), byes,
                   [float(problem.bye_values[i]) for i in byes], odd_sets, problem.budgets)


def _initial_triads(problem: _Problem, pairs: set) -> set:
    if problem.count_kind != "triad" or not problem.count:
        return set()
    values, n = problem.values, problem.n
    if n <= _FULL_TRIADS_UP_TO:
        every = list(itertools.combinations(range(n), 3))
        return {t for t, v in zip(every, triad_values(values, every)) if np.isfinite(v)}
    triads = set()
    for k in range(n):
        row = values.block(slice(k, k + 1), slice(0, n))[0]
        best = [j for j in np.argsort(-row)[:3] if np.isfinite(row[j])]
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
    duals = Duals(lp.member_duals, lp.count_dual, odd_sets, lp.odd_set_duals)
    values = problem.priced_values(lp.budget_duals)
    # the scan's bounds hold for the priced values too: a budget's dual only lowers a pair's value
    new_pairs = price_pairs(values, duals, above, pairs,
                            min(_MAX_NEW_COLUMNS, max(1000, _MAX_NEW_COLUMNS_PER_MEMBER * problem.n)),
                            bounds=problem.scan.bounds, kept_exact=values is problem.values)
    new_triads = []
    if problem.count_kind == "triad" and problem.count and problem.n > _FULL_TRIADS_UP_TO:
        new_triads = price_triads(values, duals, above, triads, _MAX_NEW_COLUMNS)
    return new_pairs, new_triads


def _relaxation(problem: _Problem, pairs: set, triads: set) -> RoundRelaxation:
    byes = problem.byes
    relaxation = RoundRelaxation(problem.n, left_out_value=problem.left_out_value, count=problem.count,
                                 count_kind=problem.count_kind, bye_members=byes,
                                 bye_values=problem.bye_values[byes], budgets=problem.budgets,
                                 time_limit=problem.time_limit)
    relaxation.add_pairs(sorted(pairs), problem.values)
    relaxation.add_triads(sorted(triads), triad_values(problem.values, sorted(triads)).tolist())
    return relaxation


def _generate(problem: _Problem, cover_all: bool = False) -> tuple[MasterSolution | None, bool]:
    """Column generation and odd-set cuts to the LP optimum over the complete graph, then the
    integer optimum, adding every column that could still beat the incumbent until none can (when
    the priced-out LP optimum is already integral, it is the integer optimum: no integer program).
    cover_all: give up (None) when even the LP must leave someone out, before the integer program."""
    # a greedy pairing's pairs make the first LP cover everyone, so its duals are meaningful
    pairs = set(problem.scan.candidates)
    pairs.update(greedy_cover(problem.values, pairs))
    triads = _initial_triads(problem, pairs)
    relaxation = _relaxation(problem, pairs, triads)
    stalled, best_bound = 0, np.inf
    for _ in range(_MAX_CUT_ROUNDS):
        lp = relaxation.solve()
        new_pairs, new_triads = _price(problem, lp, relaxation.odd_sets, _EPS, pairs, triads)
        priced_out = not new_pairs and not new_triads  # nothing excluded beats this LP's duals by _EPS
        if not priced_out:
            pairs.update(new_pairs)
            triads.update(new_triads)
            relaxation.add_pairs(new_pairs, problem.values)
            relaxation.add_triads(new_triads, triad_values(problem.values, new_triads).tolist())
            continue
        # blossom inequalities cut off the LP's fractional odd cycles, which symmetric rounds are full of;
        # once cuts stop lowering the bound, only tied alternatives are being cut: leave the rest to the ILP
        stalled = stalled + 1 if lp.objective > best_bound - 1e-9 else 0
        best_bound = min(best_bound, lp.objective)
        new_sets = [] if lp.integral or stalled >= _STALLED_CUT_ROUNDS else violated_odd_sets(problem.n, lp.pair_levels)
        if not new_sets:
            break
        relaxation.add_odd_sets(new_sets)
    if cover_all and lp.left_out > 1e-6:
        return None, False
    if priced_out and (integral := _integral_solution(problem, lp)) is not None:
        # the LP bound holds over the complete graph (priced out) and a pairing reaches it: no ILP can do better
        return integral, True
    odd_sets = relaxation.odd_sets
    while True:
        ilp = _solve(problem, pairs, triads, odd_sets)
        # a column can only help if its reduced cost beats the gap between LP bound and incumbent
        above = min(0.0, ilp.objective - lp.objective) + _EPS
        if priced_out and above == _EPS:  # the same pricing as the LP's last one, which found nothing
            return ilp, True
        new_pairs, new_triads = _price(problem, lp, odd_sets, above, pairs, triads)
        if not new_pairs and not new_triads:
            return ilp, True
        pairs.update(new_pairs)
        triads.update(new_triads)


def _integral_solution(problem: _Problem, lp) -> MasterSolution | None:
    """The LP's solution as a pairing when every column in use is at 1 (to 1e-9), else None."""
    chosen = [lp.pair_levels, lp.triad_levels, lp.bye_levels, lp.left_out_levels]
    if any(abs(level - 1.0) > 1e-9 for levels in chosen for level in levels.values()):
        return None
    pairs, triads, byes, left_out = (sorted(levels) for levels in chosen)
    objective = (sum(_pair_values(problem.values, pairs)) + sum(triad_values(problem.values, triads).tolist())
                 + sum(float(problem.bye_values[i]) for i in byes) + problem.left_out_value * len(left_out))
    return MasterSolution(objective, pairs, triads, byes, left_out, status="Optimal")


def _placed(solution: MasterSolution) -> list[tuple[int, ...]]:
    """The groups that meet or take the bye (what the levels cost), without members left out."""
    return [tuple(p) for p in solution.pairs] + [tuple(t) for t in solution.triads] + [(i,) for i in solution.byes]


def _groups(solution: MasterSolution) -> list[tuple[int, ...]]:
    return sorted(_placed(solution) + [(i,) for i in solution.left_out])


def _left_out_value(n: int, largest_value: float, bye_values: np.ndarray) -> float:
    # leaving a member out must cost more than any round's whole objective can gain
    largest = largest_value
    finite = np.isfinite(bye_values)
    largest = max(largest, float(bye_values.max(where=finite, initial=0.0)), -float(bye_values.min(where=finite, initial=0.0)))
    return -(n + 1) * (largest + 1.0)


def _stage(values: PairBlocks, bye_values: np.ndarray, byes: list[int], budgets: list[Budget], odd: OddMode,
           candidates: int, time_limit: float, cover_all: bool = False) -> tuple[MasterSolution | None, bool]:
    values = _stage_values(values)
    scan = scan_values(values, candidates)  # one pass: the start's candidates, pricing's bounds, the largest value
    problem = _Problem(values, odd, byes, bye_values, _left_out_value(values.n, scan.largest, bye_values), candidates,
                       time_limit, budgets, scan)
    return _generate(problem, cover_all)


def solve_pairing(scores: "np.ndarray | PairBlocks", forbidden: "Iterable[tuple[int, int]] | np.ndarray | PairBlocks" = (), *,
                  odd: OddMode = "bye", levels: Iterable[Level] = (), bye_allowed: np.ndarray | None = None,
                  candidates: int = 6, time_limit: float = 120.0) -> Pairing:
    """The pairing of N members that best keeps an order of rules, then maximizes the total pair
    score; proven optimal over the complete graph.

    scores: N×N symmetric array of pair scores, or PairBlocks (a big round: its blocks are computed
    as they are read, never all at once). forbidden: index pairs (i, j) (or an N×N bool mask, an
    array or PairBlocks) that may never meet: absolute, a member with no allowed partner is left out.
    odd: for an odd N, "bye" leaves one member out, "triad" puts one group of three together
    (chosen inside the optimization). levels: the rules below "nobody left out", highest first;
    each is kept as well as any pairing can without costing a higher one (lexicographic order).
    bye_allowed: bool mask of members who may take the bye (all when None or none allowed).
    candidates: partners per member in the starting sparse graph (more are added by pricing).

    Order of priority: fewest members left out, then each level's cost in turn, then the highest
    total. Returns a Pairing; raises SolverFailed when the solver cannot prove an optimum (e.g.
    time limit), never reading a partial solution.

    >>> solve_pairing(np.array([[0, 1, 0], [1, 0, 2], [0, 2, 0]])).groups
    [(0,), (1, 2)]
    """
    scores = as_blocks(scores, dtype=float)
    n = scores.n
    if odd not in ("bye", "triad"):
        raise ValueError(f"odd='{odd}'; expected 'bye' or 'triad'")
    levels = list(levels)
    if n == 0:
        return Pairing([], 0.0, True, "Optimal", broken={level.name: 0.0 for level in levels})
    excluded = _pair_mask(n, forbidden)
    alone, no_clean = _rows_all(n, [excluded, *levels])
    alone &= n > 1  # a round of one is a bye, not a block
    if alone.all():  # the blocks leave nobody a partner: nobody takes a bye for it
        return Pairing([(i,) for i in range(n)], 0.0, True, "Optimal", left_out=list(range(n)),
                       broken={level.name: 0.0 for level in levels})
    if alone.any():
        return _without_the_stranded(scores, excluded, alone, odd=odd, levels=levels, bye_allowed=bye_allowed,
                                     candidates=candidates, time_limit=time_limit)
    byes = [i for i in range(n) if bye_allowed is None or bye_allowed[i]] or list(range(n))
    costly_bye = np.zeros(n, dtype=bool)
    for level in levels:
        costly_bye |= level.byes > 0
    # most rounds keep every rule: then the score alone decides, in one solve
    clean_byes = [i for i in byes if not costly_bye[i]]
    needs_bye = n % 2 == 1 and not (odd == "triad" and n >= 3)
    # a member with no clean partner cannot be paired cleanly: skip straight to the rules' order
    if (clean_byes or not needs_bye) and not (no_clean & ~np.isin(np.arange(n), clean_byes)).any():
        # pairs that are blocked or cost a rule are out
        solution, proven = _stage(_Excluded(scores, [excluded, *levels]), np.zeros(n), clean_byes, [], odd,
                                  candidates, time_limit, cover_all=bool(levels))
        if solution is not None and (not solution.left_out or not levels):
            return _result(scores, solution, proven, levels)
    solution, proven = _keep_in_order(scores, excluded, levels, byes, odd, candidates, time_limit)
    return _result(scores, solution, proven, levels)


def _without_the_stranded(scores: PairBlocks, excluded: PairBlocks, alone: np.ndarray, *, odd: OddMode,
                          levels: list[Level], bye_allowed: np.ndarray | None, candidates: int,
                          time_limit: float) -> Pairing:
    """Members who may meet nobody sit out; the others are paired as a round of their own (with its
    own bye when they are an odd number), so nobody else sits out for them."""
    keep = np.flatnonzero(~alone)
    rest = solve_pairing(_members_only(scores, keep), _members_only(excluded, keep), odd=odd,
                         levels=[Level(level.name, _members_only(level.costs, keep), level.byes[keep]) for level in levels],
                         bye_allowed=None if bye_allowed is None else bye_allowed[keep],
                         candidates=candidates, time_limit=time_limit)
    out = [int(i) for i in np.flatnonzero(alone)]
    groups = sorted([tuple(int(keep[i]) for i in g) for g in rest.groups] + [(i,) for i in out])
    return Pairing(groups, rest.total, rest.proven_optimal, rest.solver_status,
                   byes=[int(keep[i]) for i in rest.byes], left_out=sorted(out + [int(keep[i]) for i in rest.left_out]),
                   broken=rest.broken)


def _members_only(values: PairBlocks, keep: np.ndarray) -> PairBlocks:
    """`values` over the members `keep` only (their order)."""
    return Formula(len(keep), lambda at: at.of(values, members=keep), symmetric=getattr(values, "symmetric", False))


def _keep_in_order(scores: PairBlocks, excluded: PairBlocks, levels: list[Level], byes: list[int], odd: OddMode,
                   candidates: int, time_limit: float) -> tuple[MasterSolution, bool]:
    """Settle the levels one by one (each at its least cost given those before), then the score."""
    n = scores.n
    settled: list = [excluded]  # pairs a level settled at zero may not be used at all
    settled_bye = np.zeros(n, dtype=bool)
    budgets: list[Budget] = []
    solution, proven = None, True
    for level in levels:
        if solution is None or level.cost(_placed(solution)) > 0:
            solution, stage_proven = _stage(_Excluded(level.costs, list(settled), negate=True),
                                            np.where(settled_bye, -np.inf, -level.byes),
                                            [i for i in byes if not settled_bye[i]], budgets, odd, candidates,
                                            time_limit)
            proven &= stage_proven
        bound = level.cost(_placed(solution))
        if bound > 0:
            budgets.append(Budget(level.costs, level.byes, bound))
        else:
            settled.append(level)
            settled_bye |= level.byes > 0
    final, final_proven = _stage(_Excluded(scores, settled), np.zeros(n),
                                 [i for i in byes if not settled_bye[i]], budgets, odd, candidates, time_limit)
    return final, proven and final_proven


def _result(scores: PairBlocks, solution: MasterSolution, proven: bool, levels: list[Level]) -> Pairing:
    groups = _groups(solution)
    used = [p for g in groups for p in itertools.combinations(g, 2)]
    return Pairing(
        groups=groups, total=float(sum(_pair_values(scores, used))), proven_optimal=proven,
        solver_status=solution.status, byes=list(solution.byes), left_out=list(solution.left_out),
        broken={level.name: level.cost(_placed(solution)) for level in levels},
    )
