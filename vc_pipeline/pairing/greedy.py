"""The baseline a round is measured against: best pair first, as the original prototype paired."""

import numpy as np

from vc_pipeline.pairing.pair_blocks import PairBlocks, as_blocks

_CANDIDATES = 8  # best free partners kept per member; refreshed from the full row when all are taken
_BLOCK_ENTRIES = 1 << 20  # entries of the score matrix handled at once


def _upper(matrix: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """matrix[min(i, j), max(i, j)] for i in rows, j in every column: the upper triangle, read both ways."""
    cols = np.arange(len(matrix))
    return np.where(cols[None, :] > rows[:, None], matrix[rows], matrix[:, rows].T)


def _best_free(scores: np.ndarray, forbidden: np.ndarray | None, free: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per row, up to _CANDIDATES allowed free partners best first (higher score, then lower index), -1 after."""
    n = len(scores)
    k = min(_CANDIDATES, n)
    found = np.full((len(rows), k), -1)
    step = max(1, _BLOCK_ENTRIES // max(n, 1))
    for start in range(0, len(rows), step):
        block = rows[start:start + step]
        values = _upper(scores, block)
        allowed = free[None, :] & (np.arange(n)[None, :] != block[:, None])
        if forbidden is not None:
            allowed &= ~_upper(forbidden, block)
        values = np.where(allowed, values, -np.inf)
        kth = -np.partition(-values, k - 1, axis=1)[:, k - 1:k]
        above, tied = (values > kth) & allowed, (values == kth) & allowed
        chosen = above | (tied & (np.cumsum(tied, axis=1) <= k - above.sum(axis=1, keepdims=True)))
        r, c = np.nonzero(chosen)
        order = np.lexsort((c, -values[r, c], r))
        r, c = r[order], c[order]
        slot = np.arange(len(r)) - np.searchsorted(r, r)
        found[start + r, slot] = c
    return found


def greedy_pairing(scores: np.ndarray, forbidden: np.ndarray | None = None) -> tuple[list[tuple[int, ...]], float]:
    """Repeatedly pair the two free members with the highest allowed score (ties: the pair with
    the lower indices first).

    scores: N×N array (its upper triangle is read); forbidden: optional N×N bool mask of pairs that
    may not meet. Returns the groups (pairs, best first, then a 1-tuple for each member left over)
    and the pairs' total score.

    Computed without sorting all N²/2 pairs: a pair that is both members' best free partner is
    the one the sequential greedy would take next among theirs, so all such pairs are taken at once.
    """
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    free = np.ones(n, dtype=bool)
    every = np.arange(n)
    candidates = _best_free(scores, forbidden, free, every) if n else np.zeros((0, 1), dtype=int)
    position = np.zeros(n, dtype=int)
    exhausted = np.zeros(n, dtype=bool)  # no allowed free partner left at all
    chosen_a, chosen_b = [], []
    while True:
        active = every[free & ~exhausted]
        while True:  # move each active member to its first candidate still free
            current = candidates[active, np.minimum(position[active], candidates.shape[1] - 1)]
            at_end = position[active] >= candidates.shape[1]
            taken = ~at_end & (current >= 0) & ~free[np.maximum(current, 0)]
            if not taken.any():
                break
            position[active[taken]] += 1
        refill = active[(position[active] >= candidates.shape[1])]
        if len(refill):
            candidates[refill] = _best_free(scores, forbidden, free, refill)
            position[refill] = 0
        best = np.full(n, -1)
        best[active] = candidates[active, position[active]]
        exhausted[active[best[active] < 0]] = True
        mutual = active[(best[active] > active) & (best[np.maximum(best[active], 0)] == active)]
        if not len(mutual):
            break
        partners = best[mutual]
        free[mutual] = free[partners] = False
        chosen_a.append(mutual)
        chosen_b.append(partners)
    a = np.concatenate(chosen_a) if chosen_a else np.zeros(0, dtype=int)
    b = np.concatenate(chosen_b) if chosen_b else np.zeros(0, dtype=int)
    values = scores[a, b]
    order = np.lexsort((b, a, -values))
    groups, total = [], 0.0
    for k in order:
        groups.append((int(a[k]), int(b[k])))
        total += float(values[k])
    groups += [(int(i),) for i in np.nonzero(free)[0]]
    return groups, total


def greedy_cover(values: "np.ndarray | PairBlocks", pairs: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """A quick pairing to start a solver from: best pair first over `pairs` (i < j), then best pair
    first over the complete graph of the members still free. values: N×N (an array or PairBlocks), -inf
    where a pair may not meet; a member with no allowed free partner stays unpaired.

    Sorting only the given pairs and the leftovers' small graph, not all N²/2 pairs, keeps this
    cheap on large rounds; it need not be greedy_pairing's pairing, only cover (nearly) everyone.
    """
    values = as_blocks(values)
    n = values.n
    ordered = sorted(pairs)
    index = np.array(ordered, dtype=np.int64).reshape(-1, 2)
    found = np.asarray(values.pairs(index[:, 0], index[:, 1]), dtype=float)
    free = np.ones(n, dtype=bool)
    chosen = []
    for k in np.argsort(-found, kind="stable"):
        i, j = ordered[k]
        if free[i] and free[j] and np.isfinite(found[k]):
            free[i] = free[j] = False
            chosen.append((i, j))
    rest = np.flatnonzero(free)
    if len(rest) >= 2:
        sub = values.block(rest, rest)
        allowed = np.isfinite(sub)
        groups, _ = greedy_pairing(np.where(allowed, sub, 0.0), ~allowed)
        chosen += [(int(rest[g[0]]), int(rest[g[1]])) for g in groups if len(g) == 2]
    return chosen
