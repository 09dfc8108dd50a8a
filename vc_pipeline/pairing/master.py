"""The master problem of a round's pairing over a set of columns (pairs, triads), solved by PuLP.

HiGHS is the solver: on 2,000 members with 12 candidates each it proved the integer optimum in
2.5 s where CBC took 14 s, and it returns exact LP duals (CBC's are rounded to ~1e-8).
"""

from dataclasses import dataclass

import numpy as np


class SolverFailed(RuntimeError):
    """The solver did not prove an optimum (time limit, error); no solution values were read."""


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


@dataclass
class MasterSolution:
    objective: float
    pairs: list[tuple[int, int]]
    triads: list[tuple[int, int, int]]
    byes: list[int]
    left_out: list[int]
    member_duals: np.ndarray | None = None
    count_dual: float = 0.0
    status: str = ""


def _check(problem, pulp, what: str) -> str:
    status = pulp.LpStatus[problem.status]
    if status != "Optimal" or problem.sol_status != pulp.LpSolutionOptimal:
        raise SolverFailed(
            f"the pairing solver stopped with status '{status}' while solving the {what} (solution "
            f"status {pulp.LpSolution.get(problem.sol_status, problem.sol_status)}); no proven optimum, "
            "so no pairing was read"
        )
    return status


def solve_master(n: int, columns: Columns, *, count: int, count_kind: str, left_out_value: float,
                 relax: bool, time_limit: float) -> MasterSolution:
    """Choose columns covering every member exactly once (a member may be left out at
    `left_out_value`), with exactly `count` byes, or at most `count` triads.

    With relax=True solves the LP relaxation and returns the duals of the member constraints and
    of the count constraint (sign-corrected so that objective = Σ duals + count × count dual).
    """
    import pulp

    category = "Continuous" if relax else "Binary"
    upper = None if relax else 1  # no upper bound in the LP: it would take the duals' place
    problem = pulp.LpProblem("coffee_round", pulp.LpMaximize)
    pair = [pulp.LpVariable(f"p{i}_{j}", 0, upper, category) for i, j in columns.pairs]
    triad = [pulp.LpVariable(f"t{i}_{j}_{k}", 0, upper, category) for i, j, k in columns.triads]
    bye = [pulp.LpVariable(f"b{i}", 0, upper, category) for i in columns.bye_members]
    slack = [pulp.LpVariable(f"s{i}", 0, upper, category) for i in range(n)]
    problem += (pulp.lpSum(v * x for v, x in zip(columns.pair_values, pair))
                + pulp.lpSum(v * x for v, x in zip(columns.triad_values, triad))
                + pulp.lpSum(v * x for v, x in zip(columns.bye_values, bye))
                + left_out_value * pulp.lpSum(slack))
    covering: list[list] = [[s] for s in slack]
    for (i, j), x in zip(columns.pairs, pair):
        covering[i].append(x)
        covering[j].append(x)
    for members, x in zip(columns.triads, triad):
        for m in members:
            covering[m].append(x)
    for i, x in zip(columns.bye_members, bye):
        covering[i].append(x)
    for i, xs in enumerate(covering):
        problem += pulp.lpSum(xs) == 1, f"m{i}"
    counted = bye if count_kind == "bye" else triad
    if count_kind == "triad":
        # at most one triad: when no three members may meet, the odd one is left out instead
        problem += pulp.lpSum(counted) <= count, "count"
    elif count or counted:
        problem += pulp.lpSum(counted) == count, "count"
    problem.solve(pulp.HiGHS(msg=False, timeLimit=time_limit, **({} if relax else {"gapRel": 0.0, "gapAbs": 1e-9})))
    status = _check(problem, pulp, "LP relaxation" if relax else "integer program")
    objective = float(pulp.value(problem.objective) or 0.0)
    chosen = (lambda xs, keys: [k for k, x in zip(keys, xs) if (x.value() or 0) > 0.5])
    solution = MasterSolution(objective, chosen(pair, columns.pairs), chosen(triad, columns.triads),
                              chosen(bye, columns.bye_members), chosen(slack, range(n)), status=status)
    if relax:
        solution.member_duals, solution.count_dual = _duals(problem, n, count, objective)
    return solution


def _duals(problem, n: int, count: int, objective: float) -> tuple[np.ndarray, float]:
    member = np.array([problem.constraints[f"m{i}"].pi or 0.0 for i in range(n)], dtype=float)
    count_dual = float(problem.constraints["count"].pi or 0.0) if "count" in problem.constraints else 0.0
    # solvers differ in the sign convention of duals under maximization; strong duality decides
    for sign in (1.0, -1.0):
        if abs(sign * (member.sum() + count * count_dual) - objective) <= 1e-6 * max(1.0, abs(objective)):
            return sign * member, sign * count_dual
    raise SolverFailed("the LP duals do not match the LP objective; optimality cannot be proven")
