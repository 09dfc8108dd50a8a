"""Ranked backups: for every member of a solved round, up to `per_member` people they may meet if
their buddy does not show, chosen optimally under a cap on how often one member is a backup.

The choice is a bipartite b-matching (member -> backup, each member has `per_member` slots, each
backup `cap` uses), written as a network-flow LP. Its constraint matrix is a network matrix
(totally unimodular), so the LP's basic optimum is integral and no MIP is needed.
Solver: scipy.optimize.linprog(method="highs") -- already a dependency, takes a sparse matrix
directly (no per-variable Python objects as PuLP builds), returns the duals the pricing below
needs, and HiGHS returns a basic (vertex) optimum.

Only each member's `candidates` best allowed partners enter the LP at first; the LP's duals then
price every other allowed pair and any pair that would improve the optimum is added and the LP
re-solved, so the result is optimal over *all* allowed pairs, not only over the candidates.
"""

from collections.abc import Iterable, Iterator

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

_ROW_CHUNK = 512  # rows of the N×N matrices handled at once, to bound temporary memory
_PRICE_TOL = 1e-6  # reduced cost above which an excluded pair counts as improving
_MAX_ROUNDS = 100


class BackupSolverFailed(RuntimeError):
    """HiGHS did not prove an optimum (or returned a non-integral point); nothing was read."""


def choose_backups(scores: np.ndarray, groups: Iterable[tuple[int, ...]], forbidden: Iterable[tuple[int, int]],
                   *, per_member: int = 2, cap: int = 3, candidates: int = 15) -> list[tuple[int | None, ...]]:
    """Each member's ranked backups for a round.

    scores: N×N array, scores[i, j] = how well i and j suit each other (symmetric in the pipeline).
    groups: the round's groups (pairs, a triad, one-member byes); group-mates are never backups.
    forbidden: index pairs that may not meet (met before, role rule, organizer block), any order.
    per_member: backups per member; cap: most times one member may be someone's backup;
    candidates: best allowed partners per member put in the first LP (more are priced in if useful).

    Returns a list of N tuples of length `per_member`: element i holds member i's distinct backups,
    best score first, padded with None. The choice maximizes, first, the number of members with
    at least one backup and, second, the total backup score. A pair with a negative score lowers
    the total, so a second slot is left empty rather than filled with one.
    Raises ValueError on bad input and BackupSolverFailed if HiGHS proves no optimum.
    """
    scores = _checked_scores(scores)
    n = len(scores)
    if per_member < 1 or cap < 0 or candidates < 1:
        raise ValueError(f"need per_member >= 1, cap >= 0, candidates >= 1; got {per_member}, {cap}, {candidates}")
    chosen, _ = _solve(scores, _blocked(n, groups, forbidden), per_member, cap, candidates)
    return _ranked(scores, chosen, n, per_member)


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
        blocked[np.ix_(g, g)] = True
    pairs = np.asarray(list(forbidden), dtype=int).reshape(-1, 2)
    if pairs.size and (pairs.min() < 0 or pairs.max() >= n):
        raise ValueError(f"forbidden pair index out of range 0..{n - 1}")
    blocked[pairs[:, 0], pairs[:, 1]] = True
    blocked[pairs[:, 1], pairs[:, 0]] = True
    return blocked


def _solve(scores: np.ndarray, blocked: np.ndarray, per_member: int, cap: int,
           candidates: int) -> tuple[np.ndarray, int]:
    """The chosen (member, backup) pairs as an E×2 array, and how many LP solves it took."""
    n = len(scores)
    is_open = ~blocked  # allowed and not yet in the LP
    edges = _best_open(scores, is_open, candidates)
    if cap == 0 or not len(edges):
        return np.empty((0, 2), dtype=int), 0
    bonus = _first_slot_bonus(scores, n, per_member)
    for rounds in range(1, _MAX_ROUNDS + 1):
        is_open[edges[:, 0], edges[:, 1]] = False
        x, member_duals, cap_duals = _solve_lp(scores, edges, n, per_member, cap, bonus)
        # reduced cost of an excluded pair: > 0 means adding it would raise the optimum
        improving = _best_open(scores, is_open, candidates, shift=(member_duals, cap_duals), above=_PRICE_TOL)
        if not len(improving):
            return edges[x > 0.5], rounds
        edges = np.concatenate([edges, improving])
    raise BackupSolverFailed(f"pricing did not converge in {_MAX_ROUNDS} LP solves")


def _row_chunks(n: int) -> Iterator[slice]:
    for start in range(0, n, _ROW_CHUNK):
        yield slice(start, min(start + _ROW_CHUNK, n))


def _best_open(values: np.ndarray, is_open: np.ndarray, k: int, shift=None,
               above: float = -np.inf) -> np.ndarray:
    """Up to k open (row, column) pairs per row with the highest value (> `above`), as an E×2 array.
    `shift` = (row_duals, column_duals) turns scores into reduced costs chunk by chunk."""
    n = len(values)
    k = min(k, n)
    found = []
    for rows in _row_chunks(n):
        chunk = values[rows]
        if shift is not None:
            chunk = chunk - shift[0][rows, None] + shift[1][None, :]
        chunk = np.where(is_open[rows], chunk, -np.inf)
        top = np.argpartition(-chunk, k - 1, axis=1)[:, :k]
        r, c = np.nonzero(np.take_along_axis(chunk, top, axis=1) > above)
        found.append(np.column_stack([r + rows.start, top[r, c]]))
    return np.concatenate(found) if found else np.empty((0, 2), dtype=int)


def _first_slot_bonus(scores: np.ndarray, n: int, per_member: int) -> float:
    """A bonus per member with >= 1 backup, above any score total two solutions can differ by,
    so covering one more member always beats any gain in score."""
    spread = max(float(scores.max()), 0.0) - min(float(scores.min()), 0.0)
    return per_member * n * spread + 1.0


def _solve_lp(scores: np.ndarray, edges: np.ndarray, n: int, per_member: int, cap: int,
              bonus: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve the flow LP over `edges` (E×2: member, backup). Variables: x per edge, then per member
    y (first slot, earns `bonus`) and z (other slots). Rows: y_i + z_i - sum_j x_ij = 0 per member,
    sum_i x_ij <= cap per backup. Returns x (0/1 per edge) and the duals of both row kinds."""
    e = len(edges)
    c = np.concatenate([-scores[edges[:, 0], edges[:, 1]], np.full(n, -bonus), np.zeros(n)])
    members = np.arange(n)
    a_eq = sparse.csr_matrix(
        (np.concatenate([-np.ones(e), np.ones(2 * n)]),
         (np.concatenate([edges[:, 0], members, members]), np.arange(e + 2 * n))),
        shape=(n, e + 2 * n))
    a_ub = sparse.csr_matrix((np.ones(e), (edges[:, 1], np.arange(e))), shape=(n, e + 2 * n))
    upper = np.concatenate([np.ones(e + n), np.full(n, per_member - 1)])
    result = linprog(c, A_ub=a_ub, b_ub=np.full(n, cap), A_eq=a_eq, b_eq=np.zeros(n),
                     bounds=np.column_stack([np.zeros(e + 2 * n), upper]), method="highs")
    if result.status != 0:
        raise BackupSolverFailed(f"HiGHS stopped without an optimum (status {result.status}: {result.message})")
    x = result.x[:e]
    if np.abs(x - np.round(x)).max(initial=0.0) > 1e-6:
        raise BackupSolverFailed("HiGHS returned a fractional point for a network LP; refusing to round it")
    return x, result.eqlin.marginals, result.ineqlin.marginals


def _ranked(scores: np.ndarray, chosen: np.ndarray, n: int, per_member: int) -> list[tuple[int | None, ...]]:
    """Per member, its chosen backups best score first (ties: lower index), padded with None."""
    mine: list[list[int]] = [[] for _ in range(n)]
    for i, j in chosen.tolist():
        mine[i].append(j)
    ranked = []
    for i, backups in enumerate(mine):
        backups.sort(key=lambda j: (-scores[i, j], j))
        ranked.append(tuple(backups) + (None,) * (per_member - len(backups)))
    return ranked
