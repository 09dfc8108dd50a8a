"""Which pairs and triads could improve a pairing, priced with the LP duals of the master problem.

A column's reduced cost is its value minus the duals of the members it covers (and of the count
constraint, for a triad). Any pairing that uses a column is worth at most the LP bound plus that
column's reduced cost, so a column whose reduced cost is at most (incumbent − LP bound) can never
beat the incumbent: pricing every excluded column proves the pairing optimal for the full graph.
"""

import numpy as np

_BLOCK = 1024  # rows priced at once: bounds memory on large rounds


def best_candidates(values: np.ndarray, per_member: int) -> set[tuple[int, int]]:
    """Each member's `per_member` highest-valued allowed partners, as (i < j) pairs."""
    n = len(values)
    k = min(per_member, n - 1)
    pairs: set[tuple[int, int]] = set()
    if k <= 0:
        return pairs
    for start in range(0, n, _BLOCK):
        block = values[start:start + _BLOCK]
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        for offset, row in enumerate(top):
            i = start + offset
            pairs.update((min(i, int(j)), max(i, int(j))) for j in row if np.isfinite(block[offset, j]))
    return pairs


def price_pairs(values: np.ndarray, duals: np.ndarray, above: float, present: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """Pairs (i < j) not yet `present` whose reduced cost exceeds `above`, best first, at most `limit`."""
    found_pairs, found_costs = [], []
    n = len(values)
    for start in range(0, n, _BLOCK):
        rows = slice(start, min(n, start + _BLOCK))
        reduced = values[rows] - duals[rows, None] - duals[None, :]
        mask = (reduced > above) & ~present[rows]
        mask &= np.arange(n)[None, :] > np.arange(start, rows.stop)[:, None]
        i, j = np.nonzero(mask)
        found_pairs.append(np.stack([i + start, j], axis=1))
        found_costs.append(reduced[i, j])
    pairs, costs = np.concatenate(found_pairs), np.concatenate(found_costs)
    best = np.argsort(-costs)[:limit]
    return [(int(a), int(b)) for a, b in pairs[best]]


def triad_value(values: np.ndarray, i: int, j: int, k: int) -> float:
    """A triad's value: the sum of its three pair values."""
    return float(values[i, j] + values[i, k] + values[j, k])


def price_triads(values: np.ndarray, duals: np.ndarray, count_dual: float, above: float,
                 present: set[tuple[int, int, int]], limit: int) -> list[tuple[int, int, int]]:
    """Triads (i < j < k) not yet `present` whose reduced cost exceeds `above`, at most `limit`.

    Prunes soundly: with every pair priced out (reduced cost <= ~0), a triad's reduced cost is at
    most any of its pair values + max dual − count dual, so each of its pairs must exceed that bound.
    """
    n = len(values)
    floor = above + count_dual - duals.max() - 1e-6
    high = values > floor
    found: list[tuple[float, tuple[int, int, int]]] = []
    for i in range(n):
        partners = np.nonzero(high[i, i + 1:])[0] + i + 1
        if len(partners) < 2:
            continue
        third = high[partners][:, :] & high[i][None, :]
        third &= np.arange(n)[None, :] > partners[:, None]
        a, k = np.nonzero(third)
        if not len(a):
            continue
        j = partners[a]
        reduced = (values[i, j] + values[i, k] + values[j, k]) - duals[i] - duals[j] - duals[k] - count_dual
        for index in np.nonzero(reduced > above)[0]:
            triad = (i, int(j[index]), int(k[index]))
            if triad not in present:
                found.append((float(reduced[index]), triad))
    found.sort(reverse=True)
    return [t for _, t in found[:limit]]
