"""Optimal 1:1 pairing of a round as an integer program (PuLP), with hard forbidden pairs."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

OddMode = Literal["bye"]


class PairingInfeasible(ValueError):
    """The hard constraints leave some members with nobody they may meet."""

    def __init__(self, stranded: list[int]):
        self.stranded = stranded
        super().__init__(f"no pairing meets every hard constraint; members that cannot be placed: {stranded}")


class SolverFailed(RuntimeError):
    """The solver did not prove an optimum (time limit, error); no solution values were read."""


@dataclass
class Pairing:
    """A round's groups (tuples of member indices: pairs, or a one-member bye), the total score of
    the pairs, and whether the solver proved the total optimal."""

    groups: list[tuple[int, ...]]
    total: float
    proven_optimal: bool
    solver_status: str = ""
    byes: list[int] = field(default_factory=list)


def _allowed_edges(n: int, forbidden: set[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(i, j) for i in range(n) for j in range(i + 1, n) if (i, j) not in forbidden]


def _normalized(forbidden: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    return {(min(i, j), max(i, j)) for i, j in forbidden if i != j}


def _solve_ilp(scores: np.ndarray, edges, byes_allowed: list[int], bye_count: int | None,
               bye_penalty: float, time_limit: float):
    import pulp

    problem = pulp.LpProblem("coffee_round", pulp.LpMaximize)
    pair = {e: pulp.LpVariable(f"pair_{e[0]}_{e[1]}", cat="Binary") for e in edges}
    bye = {i: pulp.LpVariable(f"bye_{i}", cat="Binary") for i in byes_allowed}
    problem += (
        pulp.lpSum(float(scores[i, j]) * x for (i, j), x in pair.items())
        - bye_penalty * pulp.lpSum(bye.values())
    )
    touching: dict[int, list] = {i: [] for i in range(len(scores))}
    for (i, j), x in pair.items():
        touching[i].append(x)
        touching[j].append(x)
    for i, xs in touching.items():
        problem += pulp.lpSum(xs) + (bye[i] if i in bye else 0) == 1, f"meets_once_{i}"
    if bye_count is not None:
        problem += pulp.lpSum(bye.values()) == bye_count, "bye_count"
    problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit))
    status = pulp.LpStatus[problem.status]
    if status == "Infeasible":
        return status, None, None
    if status != "Optimal" or problem.sol_status != pulp.LpSolutionOptimal:
        raise SolverFailed(
            f"the pairing solver stopped with status '{status}' "
            f"(solution status {pulp.LpSolution.get(problem.sol_status, problem.sol_status)}); "
            "no proven optimum, so no pairing was read"
        )
    chosen = [e for e, x in pair.items() if x.value() > 0.5]
    byes = [i for i, x in bye.items() if x.value() > 0.5]
    return status, chosen, byes


def solve_pairing(scores: np.ndarray, forbidden: Iterable[tuple[int, int]] = (), *, odd: OddMode = "bye",
                  time_limit: float = 120.0) -> Pairing:
    """The pairing of N members that maximizes the total pair score.

    scores: N×N symmetric array of pair scores. forbidden: index pairs (i, j) that may not meet.
    odd: what happens to the leftover member when N is odd; "bye" leaves exactly one member out.
    Returns a Pairing whose `groups` hold every member exactly once (pairs, plus one bye when N is
    odd) and whose `total` sums the pair scores. Raises PairingInfeasible naming the members the
    constraints strand, and SolverFailed when the solver proves no optimum (e.g. time limit).
    """
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    if odd != "bye":
        raise ValueError(f"odd='{odd}' is not supported; expected 'bye'")
    if n == 0:
        return Pairing([], 0.0, True, "Optimal")
    edges = _allowed_edges(n, _normalized(forbidden))
    bye_count = n % 2
    status, chosen, byes = _solve_ilp(scores, edges, list(range(n)) if bye_count else [], bye_count, 0.0, time_limit)
    if chosen is None:
        raise PairingInfeasible(_stranded(scores, edges, n, time_limit))
    groups = sorted([tuple(e) for e in chosen] + [(i,) for i in byes])
    total = float(sum(scores[i, j] for i, j in chosen))
    return Pairing(groups, total, True, status, byes)


def _stranded(scores: np.ndarray, edges, n: int, time_limit: float) -> list[int]:
    """The members left out when as many as possible are paired (one of them may take the bye)."""
    # a penalty above any achievable score total makes "fewest left out" the first priority
    penalty = float(np.abs(scores).sum()) + 1.0
    _, _, left_out = _solve_ilp(scores, edges, list(range(n)), None, penalty, time_limit)
    return sorted(left_out or [])
