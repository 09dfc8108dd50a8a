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

from vc_pipeline.pairing.pair_blocks import Formula, PairBlocks, SparsePairs, as_blocks

if TYPE_CHECKING:
    import highspy

_ROW_CHUNK = 512  # rows of the N×N matrices handled at once, to bound temporary memory
_PRICE_TOL = 1e-6  # reduced cost above which an open pair counts as improving
_INTEGRAL_TOL = 1e-6
_MAX_SOLVES = 500


class BackupSolverFailed(RuntimeError):
    """HiGHS did not prove an optimum (or returned a non-integral point); nothing was read."""


def choose_backups(scores: "np.ndarray | PairBlocks", groups: Iterable[tuple[int, ...]],
                   forbidden: "Iterable[tuple[int, int]] | PairBlocks", *, per_member: int = 2, cap: int = 3,
                   candidates: int = 15) -> list[tuple[int | None, ...]]:
    """Each member's ranked backups for a round.

    scores: N×N array (or PairBlocks), scores[i, j] = how well i and j suit each other (symmetric
    in the pipeline). groups: the round's groups (pairs, a triad, one-member byes); group-mates
    are never backups. forbidden: index pairs that may not meet (met before, role rule, organizer
    block), any order, or a symmetric N×N bool PairBlocks of them (read by block: no N×N mask).
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
    chosen, _ = _solve(scores, _blocked(scores.n, groups, forbidden), per_member, cap, candidates)
    return _ranked(scores, chosen, per_member)


def _checked_scores(scores) -> PairBlocks:
    if not isinstance(scores, PairBlocks):
        scores = np.asarray(scores, dtype=float)
        if scores.ndim != 2 or scores.shape[0] != scores.shape[1]:
            raise ValueError(f"scores must be a square N×N array, got shape {scores.shape}")
    scores = as_blocks(scores)
    for rows in _row_chunks(scores.n):  # by block: no N×N temporary
        if not np.isfinite(scores.block(rows, slice(0, scores.n))).all():
            raise ValueError("scores must be finite (no NaN or inf)")
    return scores


def _blocked(n: int, groups: Iterable[tuple[int, ...]], forbidden) -> PairBlocks:
    """The pairs that may not be backups, as bool PairBlocks: self, group-mates, forbidden (both orders)."""
    group_of = np.arange(n) + n  # a member in no group is in a group of its own
    for number, group in enumerate(groups):
        g = np.asarray(group, dtype=int)
        if g.size and (g.min() < 0 or g.max() >= n):
            raise ValueError(f"group {tuple(group)} has an index outside 0..{n - 1}")
        group_of[g] = number
    if not isinstance(forbidden, PairBlocks):
        pairs = np.asarray(list(forbidden), dtype=int).reshape(-1, 2)
        if pairs.size and (pairs.min() < 0 or pairs.max() >= n):
            raise ValueError(f"a forbidden pair has an index outside 0..{n - 1}")
        forbidden = SparsePairs(n, pairs[:, 0], pairs[:, 1], True, fill=False, dtype=bool)
    return Formula(n, lambda at: (at.row(group_of) == at.col(group_of)) | at.of(forbidden), symmetric=True)


class _Edges:
    """The (member, backup) edges already in the LP, looked up by block of members."""

    def __init__(self, n: int):
        self.n, self.keys = n, np.zeros(0, dtype=np.int64)

    def add(self, edges: np.ndarray) -> None:
        self.keys = np.union1d(self.keys, edges[:, 0].astype(np.int64) * self.n + edges[:, 1])

    def block(self, rows: slice) -> np.ndarray:
        mask = np.zeros((rows.stop - rows.start, self.n), dtype=bool)
        lo, hi = np.searchsorted(self.keys, [rows.start * self.n, rows.stop * self.n])
        keys = self.keys[lo:hi]
        mask[keys // self.n - rows.start, keys % self.n] = True
        return mask


def _solve(scores: PairBlocks, blocked: PairBlocks, per_member: int, cap: int,
           candidates: int) -> tuple[np.ndarray, int]:
    """The chosen (member, backup) pairs as an E×2 array, and how many LP solves it took."""
    n = scores.n
    added = _Edges(n)  # allowed and not yet in the LP: not blocked, not added
    coverable, spread_high, spread_low = 0, 0.0, 0.0  # members with any allowed partner; the score range
    for rows in _row_chunks(n):
        coverable += int((~blocked.block(rows, slice(0, n))).any(axis=1).sum())
        block = scores.block(rows, slice(0, n))
        spread_high, spread_low = max(spread_high, float(block.max())), min(spread_low, float(block.min()))
    edges = _best_open(scores, blocked, added, candidates)
    if cap == 0 or not len(edges):
        return np.empty((0, 2), dtype=int), 0
    spread = spread_high - spread_low
    # A bonus just above one score usually covers everyone. Full coverage already proves the
    # order "coverage first, then score"; only otherwise do we raise the bonus above any score total.
    highs = _new_model(n, per_member, cap, spread + 1.0)
    edges, x, solves = _price_out(highs, scores, blocked, added, edges, per_member)
    if len(np.unique(edges[x > 0.5, 0])) < coverable:
        big = per_member * n * spread + 1.0
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.full(n, -big))
        edges, x, more = _price_out(highs, scores, blocked, added, edges, per_member, done=len(edges))
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


def _add_pairs(highs: "highspy.Highs", scores: PairBlocks, edges: np.ndarray) -> None:
    """Add a column x_ij in [0, 1] per (member i, backup j) edge, earning scores[i, j]."""
    e, n = len(edges), scores.n
    rows = np.column_stack([edges[:, 0], n + edges[:, 1]]).ravel().astype(np.int32)
    highs.addCols(e, -scores.pairs(edges[:, 0], edges[:, 1]), np.zeros(e), np.ones(e), 2 * e,
                  np.arange(0, 2 * e, 2, dtype=np.int32), rows, np.tile([-1.0, 1.0], e))


def _price_out(highs: "highspy.Highs", scores: PairBlocks, blocked: PairBlocks, added: _Edges, edges: np.ndarray,
               per_member: int, done: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """Solve; add the open pairs whose reduced cost says they would raise the optimum; repeat
    until none would, so the LP is optimal over every allowed pair. `edges[:done]` are already
    in the model (and in `added`, which takes the others). Returns all edges, x per edge, LP solves."""
    n = scores.n
    new = edges[done:]
    for solves in range(1, _MAX_SOLVES + 1):
        if len(new):
            added.add(new)
            _add_pairs(highs, scores, new)
        x, member_duals, cap_duals = _run(highs, n)
        # reduced cost of an open pair (i, j): scores[i, j] - member_duals[i] + cap_duals[j]
        new = _best_open(scores, blocked, added, per_member, shift=(member_duals, cap_duals), above=_PRICE_TOL)
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


def _best_open(values: PairBlocks, blocked: PairBlocks, added: _Edges, k: int, shift=None,
               above: float = -np.inf) -> np.ndarray:
    """Up to k open (row, column) pairs (not blocked, not added) per row with the highest value
    (> `above`), as an E×2 array. `shift` = (row_duals, column_duals) turns scores into reduced
    costs chunk by chunk."""
    n = values.n
    k = min(k, n)
    found = [np.empty((0, 2), dtype=int)]
    for rows in _row_chunks(n):
        chunk = values.block(rows, slice(0, n))
        if shift is not None:
            chunk = chunk - shift[0][rows, None] + shift[1][None, :]
        chunk = np.where(blocked.block(rows, slice(0, n)) | added.block(rows), -np.inf, chunk)
        top = np.argpartition(-chunk, k - 1, axis=1)[:, :k]
        r, c = np.nonzero(np.take_along_axis(chunk, top, axis=1) > above)
        found.append(np.column_stack([r + rows.start, top[r, c]]))
    return np.concatenate(found)


def _ranked(scores: PairBlocks, chosen: np.ndarray, per_member: int) -> list[tuple[int | None, ...]]:
    """Per member, its chosen backups best score first (ties: lower index), padded with None."""
    mine: list[list[int]] = [[] for _ in range(scores.n)]
    chosen = np.asarray(chosen, dtype=np.int64).reshape(-1, 2)
    score_of = dict(zip(map(tuple, chosen.tolist()), scores.pairs(chosen[:, 0], chosen[:, 1]).tolist()))
    for i, j in chosen.tolist():
        mine[i].append(j)
    ranked = []
    for i, backups in enumerate(mine):
        backups.sort(key=lambda j: (-score_of[(i, j)], j))
        ranked.append(tuple(backups) + (None,) * (per_member - len(backups)))
    return ranked
