"""The integer program of a round's pairing over a set of columns (pairs, triads), solved by PuLP.

HiGHS is the solver: on 2,000 members with 12 candidates each it proved the integer optimum in
2.5 s where CBC took 14 s. (The LP relaxation is grown in place in vc_pipeline.pairing.relaxation.)
"""

import itertools
from dataclasses import dataclass, field

import numpy as np

from vc_pipeline.errors import UserError
from vc_pipeline.pairing.pair_blocks import PairBlocks, as_blocks


class SolverFailed(UserError, RuntimeError):
    """The solver did not prove an optimum (time limit, error); no solution values were read. A
    user error: the message names the status, and a longer time limit or fewer rules can fix it."""


@dataclass
class Budget:
    """A rule of the order already settled at its best: the chosen groups may cost it at most
    `bound` (a pair costs pairs[i, j], a triad the sum of its three pairs, a bye byes[i])."""

    pairs: "np.ndarray | PairBlocks"
    byes: np.ndarray
    bound: float

    def __post_init__(self):
        self.pairs = as_blocks(self.pairs)

    def pair_cost(self, i: int, j: int) -> float:
        return float(self.pair_costs([(i, j)])[0])

    def triad_cost(self, i: int, j: int, k: int) -> float:
        return float(self.triad_costs([(i, j, k)])[0])

    def pair_costs(self, pairs: list[tuple[int, int]]) -> np.ndarray:
        """What each pair (i, j) costs, read at once."""
        if not len(pairs):
            return np.zeros(0)
        a, b = np.asarray(pairs, dtype=np.int64).T
        return np.asarray(self.pairs.pairs(a, b), dtype=float)

    def triad_costs(self, triads: list[tuple[int, int, int]]) -> np.ndarray:
        """What each triad costs (its three pairs), read at once."""
        if not len(triads):
            return np.zeros(0)
        i, j, k = np.asarray(triads, dtype=np.int64).T
        return np.asarray(self.pairs.pairs(i, j) + self.pairs.pairs(i, k) + self.pairs.pairs(j, k), dtype=float)


@dataclass
class Columns:
    """What the master may choose from: pair columns (i < j), triad columns (i < j < k) with their
    values, and which members may take the bye. Every member also has a slack column (left out)."""

    pairs: list[tuple[int, int]]
    pair_values: list[float]
    triads: list[tuple[int, int, int]]
    triad_values: list[float]
    bye_members: list[int]
    bye_values: list[float]
    # odd member sets S: at most (|S| - 1) / 2 groups lie wholly inside S (blossom inequalities)
    odd_sets: list[tuple[int, ...]] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)


@dataclass
class MasterSolution:
    objective: float
    pairs: list[tuple[int, int]]
    triads: list[tuple[int, int, int]]
    byes: list[int]
    left_out: list[int]
    status: str = ""


def _check(problem, pulp, what: str, time_limit: float) -> str:
    status = pulp.LpStatus[problem.status]
    if status != "Optimal" or problem.sol_status != pulp.LpSolutionOptimal:
        raise SolverFailed(
            f"the pairing solver stopped without proving an optimum while solving the {what}: status "
            f"'{status}', solution status '{pulp.LpSolution.get(problem.sol_status, problem.sol_status)}' "
            f"(time limit {time_limit:g} s); no pairing was read"
        )
    return status


def solve_master(n: int, columns: Columns, *, count: int, count_kind: str, left_out_value: float,
                 time_limit: float) -> MasterSolution:
    """Choose columns covering every member exactly once (a member may be left out at
    `left_out_value`), with exactly `count` byes, or at most `count` triads.
    """
    import pulp

    problem = pulp.LpProblem("coffee_round", pulp.LpMaximize)
    pair = [pulp.LpVariable(f"p{i}_{j}", 0, 1, "Binary") for i, j in columns.pairs]
    triad = [pulp.LpVariable(f"t{i}_{j}_{k}", 0, 1, "Binary") for i, j, k in columns.triads]
    bye = [pulp.LpVariable(f"b{i}", 0, 1, "Binary") for i in columns.bye_members]
    slack = [pulp.LpVariable(f"s{i}", 0, 1, "Binary") for i in range(n)]
    # expressions built from (variable, coefficient) lists: lpSum over products is most of the build time
    problem += pulp.LpAffineExpression([*zip(pair, columns.pair_values), *zip(triad, columns.triad_values),
                                        *zip(bye, columns.bye_values), *((s, left_out_value) for s in slack)])
    covering: list[list] = [[(s, 1)] for s in slack]
    for (i, j), x in zip(columns.pairs, pair):
        covering[i].append((x, 1))
        covering[j].append((x, 1))
    for members, x in zip(columns.triads, triad):
        for m in members:
            covering[m].append((x, 1))
    for i, x in zip(columns.bye_members, bye):
        covering[i].append((x, 1))
    for i, terms in enumerate(covering):
        problem.addConstraint(_row(pulp, terms, pulp.LpConstraintEQ, 1), f"m{i}")
    _add_odd_sets(problem, pulp, columns, pair, triad)
    _add_budgets(problem, pulp, columns, pair, triad, bye)
    counted = bye if count_kind == "bye" else triad
    if count_kind == "triad":
        # at most one triad: when no three members may meet, the odd one is left out instead
        problem.addConstraint(_row(pulp, [(x, 1) for x in counted], pulp.LpConstraintLE, count), "count")
    elif count or counted:
        problem.addConstraint(_row(pulp, [(x, 1) for x in counted], pulp.LpConstraintEQ, count), "count")
    # HiGHS' default MIP feasibility tolerance (1e-6) let it call a pairing optimal that was 1e-6 short
    problem.solve(pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=0.0, gapAbs=1e-9, mip_feasibility_tolerance=1e-9))
    status = _check(problem, pulp, "integer program", time_limit)
    objective = float(pulp.value(problem.objective) or 0.0)
    chosen = (lambda xs, keys: [k for k, x in zip(keys, xs) if (x.value() or 0) > 0.5])
    return MasterSolution(objective, chosen(pair, columns.pairs), chosen(triad, columns.triads),
                          chosen(bye, columns.bye_members), chosen(slack, range(n)), status=status)


def _row(pulp, terms: list, sense: int, rhs: float):
    """The constraint Σ coefficient × variable (sense) rhs, from (variable, coefficient) terms."""
    return pulp.LpConstraint(pulp.LpAffineExpression(terms), sense, rhs=rhs)


def _add_budgets(problem, pulp, columns: Columns, pair, triad, bye) -> None:
    for k, budget in enumerate(columns.budgets):
        terms = list(zip(budget.pair_costs(columns.pairs).tolist(), pair))
        terms += list(zip(budget.triad_costs(columns.triads).tolist(), triad))
        terms += [(float(budget.byes[i]), x) for i, x in zip(columns.bye_members, bye)]
        problem.addConstraint(_row(pulp, [(x, c) for c, x in terms if c], pulp.LpConstraintLE, budget.bound), f"r{k}")


def _add_odd_sets(problem, pulp, columns: Columns, pair, triad) -> None:
    if not columns.odd_sets:
        return
    pair_of = dict(zip(columns.pairs, pair))
    triad_of = dict(zip(columns.triads, triad))
    for k, members in enumerate(columns.odd_sets):
        inside = [pair_of[p] for p in itertools.combinations(members, 2) if p in pair_of]
        inside += [triad_of[t] for t in itertools.combinations(members, 3) if t in triad_of]
        problem.addConstraint(_row(pulp, [(x, 1) for x in inside], pulp.LpConstraintLE, (len(members) - 1) // 2), f"o{k}")
