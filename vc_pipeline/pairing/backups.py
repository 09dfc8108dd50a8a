"""Ranked backups: for every member of a solved round, up to `per_member` people they may meet if
their buddy does not show, chosen optimally under a cap on how often one member is a backup.

The choice is a bipartite b-matching (member -> backup; each member has `per_member` slots, each
backup `cap` uses), written as a network-flow LP. Its constraint matrix is a network matrix
(totally unimodular), so the LP's basic optimum is integral and no MIP is needed.

Only each member's `candidates` best allowed partners enter the LP at first. The LP's duals then
price every other allowed pair; pairs that would raise the optimum are added and the LP
re-solved, until none would. The result is optimal over *all* allowed pairs, not just the
candidates. This matters when a few members are popular: their caps fill, and most members'
top-15 lists then hold nobody left to give.

Solver: HiGHS through highspy, its own Python API. highspy is already a project dependency, and
linprog(method="highs") and PuLP's HiGHS both run the same engine through it. Unlike those
wrappers, highspy keeps the model and the simplex basis between solves, so each pricing round
restarts from the last basis. At N=5000 with popular members this takes about 7 s; cold
linprog restarts take about 45 s.
"""

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import highspy

_ROW_CHUNK = 512  # rows of the N×N matrices handled at once, to bound temporary memory
_PRICE_TOL = 1e-6  # reduced cost above which an open pair counts as improving
_INTEGRAL_TOL = 1e-6
_MAX_SOLVES = 500


class BackupSolverFailed(RuntimeError):
    """HiGHS did not prove an optimum (or returned a non-integral point); nothing was read."""


def choose_backups(scores: np.ndarray, groups: Iterable[tuple[int, ...]], forbidden: Iterable[tuple[int, int]],
                   *, per_member: int = 2, cap: int = 3, candidates: int = 15) -> list[tuple[int | None, ...]]:
    """Each member's ranked backups for a round.

    scores: N×N array, scores[i, j] = how well i and j suit each other (symmetric in the pipeline).
    groups: the round's groups (pairs, a triad, one-member byes); group-mates are never backups.
    forbidden: index pairs that may not meet (met before, role rule, organizer block), any order.
    per_member: backups per member. cap: the most times one member may be someone's backup.
    candidates: best allowed partners per member in the first LP (pricing adds others if useful).

    Returns a list of N tuples of length `per_member`: element i holds member i's distinct backups,
    best score first, padded with None. The choice maximizes, first, the number of members with
    at least one backup and, second, the total backup score. A pair with a negative score lowers
    that total, so a second slot stays empty rather than take one.
    Raises ValueError on bad input and BackupSolverFailed if HiGHS proves no optimum.
    """
    scores = _checked_scores(scores)
    if per_member < 1 or cap < 0 or candidates < 1:
        raise ValueError(f"need per_member >= 1, cap >= 0, candidates >= 1; got {per_member}, {cap}, {candidates}")
    chosen, _ = _solve(scores, _blocked(len(scores), groups, forbidden), per_member, cap, candidates)
    return _ranked(scores, chosen, per_member)


def _checked_scores(scores) -> np.ndarray:
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2 or scores.shape[0] != scores.shape[1]:
        raise ValueError(f"scores must be a square N×N array, got shape {scores.shape}")
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite (no NaN or inf)")
    return scores


def _blocked(n: int, groups: Iterable[tuple[int, ...]], forbidden: Iterable[tuple[int, int]]) -> np.ndarray:
    """N×N mask of pairs that may not be backups: self, group-mates, forbidden (both orders)."""
    blocked = np.eye(n, dtype=bool)
    for group in groups:
        g = np.asarray(group, dtype=int)
        if g.size and (g.min() < 0 or g.max() >= n):
            raise ValueError(f"group {tuple(group)} has an index outside 0..{n - 1}")
        blocked[np.ix_(g, g)] = True
    pairs = np.asarray(list(forbidden), dtype=int).reshape(-1, 2)
    if pairs.size and (pairs.min() < 0 or pairs.max() >= n):
        raise ValueError(f"a forbidden pair has an index outside 0..{n - 1}")
    blocked[pairs[:, 0], pairs[:, 1]] = True
    blocked[pairs[:, 1], pairs[:, 0]] = True
    return blocked


def _solve(scores: np.ndarray, blocked: np.ndarray, per_member: int, cap: int,
           candidates: int) -> tuple[np.ndarray, int]:
    """The chosen (member, backup) pairs as an E×2 array, and how many LP solves it took."""
    n = len(scores)
    is_open = ~blocked  # allowed and not yet in the LP
    coverable = int(is_open.any(axis=1).sum())  # members with any allowed partner
    edges = _best_open(scores, is_open, candidates)
    if cap == 0 or not len(edges):
        return np.empty((0, 2), dtype=int), 0
    spread = max(float(scores.max()), 0.0) - min(float(scores.min()), 0.0)
    # A bonus just above one score usually covers everyone. Full coverage already proves the
    # order "coverage first, then score"; only otherwise do we raise the bonus above any score total.
    highs = _new_model(n, per_member, cap, spread + 1.0)
    edges, x, solves = _price_out(highs, scores, is_open, edges, per_member)
    if len(np.unique(edges[x > 0.5, 0])) < coverable:
        big = per_member * n * spread + 1.0
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.full(n, -big))
        edges, x, more = _price_out(highs, scores, is_open, edges, per_member, added=len(edges))
        solves += more
    return edges[x > 0.5], solves


def _new_model(n: int, per_member: int, cap: int, bonus: float) -> "highspy.Highs":
    """The flow LP without pairs, minimizing. Rows 0..n-1: y_i + z_i - sum_j x_ij = 0 (member i's
    slots); rows n..2n-1: sum_i x_ij <= cap (backup j's uses). Columns: y_i in [0, 1] (first
    slot, earns `bonus`), z_i in [0, per_member - 1] (other slots); pair columns x_ij come later."""
    import highspy  # a solver: imported when used, so loading the definitions stays light

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    lower = np.concatenate([np.zeros(n), np.full(n, -highspy.kHighsInf)])
    upper = np.concatenate([np.zeros(n), np.full(n, float(cap))])
    highs.addRows(2 * n, lower, upper, 0, np.zeros(2 * n, dtype=np.int32), np.empty(0, np.int32), np.empty(0))
    rows = np.arange(n, dtype=np.int32)
    highs.addCols(n, np.full(n, -bonus), np.zeros(n), np.ones(n), n, rows, rows, np.ones(n))
    highs.addCols(n, np.zeros(n), np.zeros(n), np.full(n, per_member - 1.0), n, rows, rows, np.ones(n))
    return highs


def _add_pairs(highs: "highspy.Highs", scores: np.ndarray, edges: np.ndarray) -> None:
    """Add a column x_ij in [0, 1] per (member i, backup j) edge, earning scores[i, j]."""
    e, n = len(edges), len(scores)
    rows = np.column_stack([edges[:, 0], n + edges[:, 1]]).ravel().astype(np.int32)
    highs.addCols(e, -scores[edges[:, 0], edges[:, 1]], np.zeros(e), np.ones(e), 2 * e,
                  np.arange(0, 2 * e, 2, dtype=np.int32), rows, np.tile([-1.0, 1.0], e))


def _price_out(highs: "highspy.Highs", scores: np.ndarray, is_open: np.ndarray, edges: np.ndarray,
               per_member: int, added: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """Solve; add the open pairs whose reduced cost says they would raise the optimum; repeat
    until none would, so the LP is optimal over every allowed pair. `edges[:added]` are already
    in the model. Closes added pairs in `is_open`. Returns all edges, x per edge, LP solves."""
    n = len(scores)
    new = edges[added:]
    for solves in range(1, _MAX_SOLVES + 1):
        if len(new):
            is_open[new[:, 0], new[:, 1]] = False
            _add_pairs(highs, scores, new)
        x, member_duals, cap_duals = _run(highs, n)
        # reduced cost of an open pair (i, j): scores[i, j] - member_duals[i] + cap_duals[j]
        new = _best_open(scores, is_open, per_member, shift=(member_duals, cap_duals), above=_PRICE_TOL)
        if not len(new):
            return edges, x, solves
        edges = np.concatenate([edges, new])
    raise BackupSolverFailed(f"pricing did not converge in {_MAX_SOLVES} LP solves")


def _run(highs: "highspy.Highs", n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Re-optimize (from the last basis); return the pair columns' values and both rows' duals."""
    import highspy

    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise BackupSolverFailed(f"HiGHS stopped without an optimum: {highs.modelStatusToString(status)}")
    solution = highs.getSolution()
    x = np.asarray(solution.col_value)[2 * n:]
    if np.abs(x - np.round(x)).max(initial=0.0) > _INTEGRAL_TOL:
        raise BackupSolverFailed("HiGHS returned a fractional point for a network LP; refusing to round it")
    duals = np.asarray(solution.row_dual)
    return x, duals[:n], duals[n:]


def _row_chunks(n: int) -> Iterator[slice]:
    for start in range(0, n, _ROW_CHUNK):
        yield slice(start, min(start + _ROW_CHUNK, n))


def _best_open(values: np.ndarray, is_open: np.ndarray, k: int, shift=None,
               above: float = -np.inf) -> np.ndarray:
    """Up to k open (row, column) pairs per row with the highest value (> `above`), as an E×2 array.
    `shift` = (row_duals, column_duals) turns scores into reduced costs chunk by chunk."""
    n = len(values)
    k = min(k, n)
    found = [np.empty((0, 2), dtype=int)]
    for rows in _row_chunks(n):
        chunk = values[rows]
        if shift is not None:
            chunk = chunk - shift[0][rows, None] + shift[1][None, :]
        chunk = np.where(is_open[rows], chunk, -np.inf)
        top = np.argpartition(-chunk, k - 1, axis=1)[:, :k]
        r, c = np.nonzero(np.take_along_axis(chunk, top, axis=1) > above)
        found.append(np.column_stack([r + rows.start, top[r, c]]))
    return np.concatenate(found)


def _ranked(scores: np.ndarray, chosen: np.ndarray, per_member: int) -> list[tuple[int | None, ...]]:
    """Per member, its chosen backups best score first (ties: lower index), padded with None."""
    mine: list[list[int]] = [[] for _ in range(len(scores))]
    for i, j in chosen.tolist():
        mine[i].append(j)
    ranked = []
    for i, backups in enumerate(mine):
        backups.sort(key=lambda j: (-scores[i, j], j))
        ranked.append(tuple(backups) + (None,) * (per_member - len(backups)))
    return ranked
