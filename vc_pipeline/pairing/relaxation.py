"""The LP relaxation of a round's pairing, grown in place: columns (pairs, triads) and odd-set
rows are added between solves and HiGHS re-optimizes from its last basis.

highspy is used directly here because a modelling layer rebuilds the whole model on every solve;
the integer program itself, needed when the LP optimum is fractional, is written and solved with
PuLP (vc_pipeline.pairing.master).
"""

from dataclasses import dataclass, field

import numpy as np

from vc_pipeline.pairing.master import Budget, SolverFailed
from vc_pipeline.pairing.pair_blocks import PairBlocks, as_blocks


@dataclass
class Relaxed:
    """One LP solve: its objective, the level of every pair column in use, whether every column
    is at 0 or 1, and the duals (member rows, count row, budget rows, odd-set rows), sign-corrected."""

    objective: float
    pair_levels: dict[tuple[int, int], float]
    integral: bool
    member_duals: np.ndarray
    count_dual: float
    odd_set_duals: list[float]
    budget_duals: list[float]
    left_out: float = 0.0  # members left out, summed over their (maybe fractional) slack
    # the levels of the triad, bye and slack (left out) columns in use, by triad, member, member
    triad_levels: dict[tuple[int, int, int], float] = field(default_factory=dict)
    bye_levels: dict[int, float] = field(default_factory=dict)
    left_out_levels: dict[int, float] = field(default_factory=dict)


class RoundRelaxation:
    """Rows: one per member (covered exactly once), the odd-round count, one per budget (a rule
    settled earlier), one per odd set.
    Columns: one slack per member (left out), the byes, then pairs and triads as they are added."""

    def __init__(self, n: int, *, left_out_value: float, bye_members: list[int], bye_values: np.ndarray,
                 count: int, count_kind: str, budgets: list[Budget], time_limit: float = float("inf")):
        import highspy  # a solver: imported when used, so loading the definitions stays light

        self.hs = highspy
        self.n, self.count, self.time_limit = n, count, time_limit
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        if time_limit < float("inf"):  # HiGHS 1.x counts it over all of this object's solves: the LP rounds together
            self.highs.setOptionValue("time_limit", float(time_limit))
        self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        inf = highspy.kHighsInf
        count_bounds = ((count, count) if count_kind == "bye" and count else (-inf, count) if count_kind == "triad"
                        else (-inf, inf))
        self.budgets = list(budgets)
        rows = n + 1 + len(self.budgets)
        lower = np.concatenate([np.ones(n), [count_bounds[0]], np.full(len(self.budgets), -inf)])
        upper = np.concatenate([np.ones(n), [count_bounds[1]], [b.bound for b in self.budgets]])
        self.highs.addRows(rows, lower, upper, 0, np.zeros(rows, dtype=np.int32), np.empty(0, np.int32), np.empty(0))
        self.first_odd_row = rows
        self._add_columns(np.full(n, left_out_value), [[i] for i in range(n)])
        self._add_columns(np.asarray(bye_values, dtype=float),
                          [[i, n, *self._budget_rows([float(b.byes[i]) for b in self.budgets])] for i in bye_members])
        self.bye_members = list(bye_members)
        self.columns = n + len(bye_members)
        self.pair_column: dict[tuple[int, int], int] = {}
        self.triad_column: dict[tuple[int, int, int], int] = {}
        self.odd_sets: list[tuple[int, ...]] = []
        self.sets_of: dict[int, set[int]] = {}

    def _add_columns(self, costs: np.ndarray, rows: list[list]) -> None:
        """Columns worth `costs`; each column's rows are row indices (coefficient 1) or
        (row, coefficient) tuples."""
        entries = [[r if isinstance(r, tuple) else (r, 1.0) for r in rs] for rs in rows]
        starts = np.cumsum([0] + [len(r) for r in rows[:-1]]).astype(np.int32) if rows else np.zeros(0, np.int32)
        indices = np.array([r for es in entries for r, _ in es], dtype=np.int32)
        coefficients = np.array([c for es in entries for _, c in es], dtype=float)
        self.highs.addCols(len(rows), np.asarray(costs, dtype=float), np.zeros(len(rows)),
                           np.full(len(rows), self.hs.kHighsInf), len(indices), starts, indices, coefficients)

    def _budget_rows(self, costs: list[float]) -> list[tuple[int, float]]:
        return [(self.n + 1 + k, float(c)) for k, c in enumerate(costs) if c]

    def _odd_rows(self, members: tuple[int, ...]) -> list[int]:
        common = set.intersection(*(self.sets_of.get(m, set()) for m in members))
        return [self.first_odd_row + k for k in sorted(common)]

    def add_pairs(self, pairs: list[tuple[int, int]], values: "np.ndarray | PairBlocks") -> None:
        """Add pair columns (i < j) worth values[i, j] (an array or PairBlocks)."""
        pairs = [p for p in pairs if p not in self.pair_column]
        if not pairs:
            return
        a, b = np.asarray(pairs, dtype=np.int64).T
        costs = list(zip(*[budget.pair_costs(pairs).tolist() for budget in self.budgets])) or [()] * len(pairs)
        self._add_columns(np.asarray(as_blocks(values).pairs(a, b), dtype=float),
                          [[i, j, *self._budget_rows(cost), *self._odd_rows((i, j))]
                           for (i, j), cost in zip(pairs, costs)])
        for p in pairs:
            self.pair_column[p] = self.columns
            self.columns += 1

    def add_triads(self, triads: list[tuple[int, int, int]], worth: list[float]) -> None:
        """Add triad columns (i < j < k) with the given values; each counts once in the count row."""
        fresh = [(t, w) for t, w in zip(triads, worth) if t not in self.triad_column]
        if not fresh:
            return
        triads = [t for t, _ in fresh]
        costs = list(zip(*[budget.triad_costs(triads).tolist() for budget in self.budgets])) or [()] * len(triads)
        self._add_columns(np.array([w for _, w in fresh]),
                          [[*t, self.n, *self._budget_rows(cost), *self._odd_rows(t)] for t, cost in zip(triads, costs)])
        for t, _ in fresh:
            self.triad_column[t] = self.columns
            self.columns += 1

    def add_odd_sets(self, sets: list[tuple[int, ...]]) -> None:
        """Add blossom rows: at most (|S| - 1) / 2 groups lie wholly inside each odd set S."""
        for members in sets:
            inside = set(members)
            columns = [c for p, c in self.pair_column.items() if p[0] in inside and p[1] in inside]
            columns += [c for t, c in self.triad_column.items() if set(t) <= inside]
            index = np.array(sorted(columns), dtype=np.int32)
            self.highs.addRow(-self.hs.kHighsInf, (len(members) - 1) // 2, len(index), index, np.ones(len(index)))
            row = len(self.odd_sets)
            self.odd_sets.append(tuple(members))
            for m in members:
                self.sets_of.setdefault(m, set()).add(row)

    def solve(self) -> Relaxed:
        """Re-optimize from the last basis; raises SolverFailed unless HiGHS proves an optimum."""
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != self.hs.HighsModelStatus.kOptimal:
            raise SolverFailed(
                "the pairing solver stopped without proving an optimum while solving the LP relaxation: status "
                f"'{self.highs.modelStatusToString(status)}' (time limit {self.time_limit:g} s); no pairing was read")
        solution = self.highs.getSolution()
        levels = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual)
        objective = float(self.highs.getInfo().objective_function_value)
        bounds = np.concatenate([np.ones(self.n), [self.count], [b.bound for b in self.budgets],
                                 [(len(s) - 1) // 2 for s in self.odd_sets]])
        sign = self._dual_sign(duals, bounds, objective)
        return Relaxed(
            objective=objective,
            pair_levels={p: float(levels[c]) for p, c in self.pair_column.items() if levels[c] > 1e-9},
            integral=bool(np.all(np.minimum(levels, np.abs(1 - levels)) < 1e-6)),
            member_duals=sign * duals[:self.n], count_dual=float(sign * duals[self.n]),
            odd_set_duals=list(sign * duals[self.first_odd_row:]),
            budget_duals=list(sign * duals[self.n + 1:self.first_odd_row]),
            left_out=float(levels[:self.n].sum()),
            triad_levels={t: float(levels[c]) for t, c in self.triad_column.items() if levels[c] > 1e-9},
            bye_levels={i: float(levels[self.n + k]) for k, i in enumerate(self.bye_members) if levels[self.n + k] > 1e-9},
            left_out_levels={i: float(levels[i]) for i in np.flatnonzero(levels[:self.n] > 1e-9).tolist()},
        )

    @staticmethod
    def _dual_sign(duals: np.ndarray, bounds: np.ndarray, objective: float) -> float:
        # strong duality fixes the sign convention: objective = Σ dual × bound over the rows
        for sign in (1.0, -1.0):
            if abs(sign * float(duals @ bounds) - objective) <= 1e-6 * max(1.0, abs(objective)):
                return sign
        raise SolverFailed("the LP duals do not match the LP objective; optimality cannot be proven")
