"""Which pairs and triads could improve a pairing, priced with the LP duals of the master problem.

A column's reduced cost is its value minus the duals of the members it covers (and of the count
constraint, for a triad). Any pairing that uses a column is worth at most the LP bound plus that
column's reduced cost, so a column whose reduced cost is at most (incumbent − LP bound) can never
beat the incumbent: pricing every excluded column proves the pairing optimal for the full graph.
"""

from dataclasses import dataclass, field

import numpy as np

_BLOCK_ENTRIES = 1 << 20  # matrix entries handled at once: 8 MB temporaries, which the allocator reuses


def _rows_per_block(n: int) -> int:
    # blocks of a few MB: a bigger temporary is mapped fresh from the system (page faults) on every block
    return max(1, min(n, _BLOCK_ENTRIES // max(n, 1)))


def best_candidates(values: np.ndarray, per_member: int) -> set[tuple[int, int]]:
    """Each member's `per_member` highest-valued allowed partners, as (i < j) pairs."""
    n = len(values)
    k = min(per_member, n - 1)
    if k <= 0:
        return set()
    found, step = [], _rows_per_block(n)
    for start in range(0, n, step):
        block = values[start:start + step].copy()
        rows = np.arange(len(block))
        # k passes of argmax beat argpartition's selection for the few partners asked for
        for _ in range(k):
            best = block.argmax(axis=1)
            allowed = np.isfinite(block[rows, best])
            found.append(np.stack([rows[allowed] + start, best[allowed]], axis=1))
            block[rows, best] = -np.inf
    pairs = np.concatenate(found)
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    return set(zip(pairs[:, 0].tolist(), pairs[:, 1].tolist()))


@dataclass
class Duals:
    """LP duals: per member, of the odd-round count, and of each odd-set (blossom) inequality."""

    members: np.ndarray
    count: float = 0.0
    odd_sets: list[tuple[int, ...]] = field(default_factory=list)
    odd_set_duals: list[float] = field(default_factory=list)

    def active_odd_sets(self) -> list[tuple[np.ndarray, float]]:
        return [(np.array(s), z) for s, z in zip(self.odd_sets, self.odd_set_duals) if z > 1e-12]


def price_pairs(values: np.ndarray, duals: Duals, above: float, present: set[tuple[int, int]],
                limit: int) -> list[tuple[int, int]]:
    """Pairs (i < j) not yet `present` whose reduced cost exceeds `above`, best first, at most `limit`."""
    found_pairs, found_costs = [], []
    n, y, odd_sets = len(values), duals.members, duals.active_odd_sets()
    step = _rows_per_block(n)
    upper = np.triu(np.ones((step, step), dtype=bool), 1)
    for start in range(0, n, step):
        stop = min(n, start + step)
        # only the columns j >= start: the pairs (i < j) of these rows, half the work of whole rows
        reduced = values[start:stop, start:] - y[start:stop, None] - y[None, start:]
        for members, z in odd_sets:
            inside = members[(members >= start) & (members < stop)]
            if len(inside):
                reduced[np.ix_(inside - start, members[members >= start] - start)] -= z
        mask = reduced > above
        mask[:, :stop - start] &= upper[:stop - start, :stop - start]
        i, j = np.nonzero(mask)
        found_pairs.append(np.stack([i + start, j + start], axis=1))
        found_costs.append(reduced[i, j])
    pairs, costs = np.concatenate(found_pairs), np.concatenate(found_costs)
    if present and len(pairs):
        known = np.array([a * n + b for a, b in present], dtype=np.int64)
        fresh = ~np.isin(pairs[:, 0].astype(np.int64) * n + pairs[:, 1], known)
        pairs, costs = pairs[fresh], costs[fresh]
    best = np.argsort(-costs, kind="stable")[:limit]
    return [(int(a), int(b)) for a, b in pairs[best]]


def triad_value(values: np.ndarray, i: int, j: int, k: int) -> float:
    """A triad's value: the sum of its three pair values."""
    return float(values[i, j] + values[i, k] + values[j, k])


def price_triads(values: np.ndarray, dual: Duals, above: float, present: set[tuple[int, int, int]],
                 limit: int) -> list[tuple[int, int, int]]:
    """Triads (i < j < k) not yet `present` whose reduced cost exceeds `above`, at most `limit`.

    Prunes soundly: with every pair priced out (reduced cost <= ~0), a triad's reduced cost is at
    most any of its pair values + max dual − count dual (+ the odd-set duals a pair may carry), so
    each of its pairs must exceed that bound.
    """
    n, duals, count_dual = len(values), dual.members, dual.count
    odd_sets = dual.active_odd_sets()
    floor = above + count_dual - duals.max() - 1e-6 - 2 * sum(z for _, z in odd_sets)
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
            cost = float(reduced[index]) - sum(z for s, z in odd_sets if set(triad) <= set(s.tolist()))
            if triad not in present and cost > above:
                found.append((cost, triad))
    found.sort(reverse=True)
    return [t for _, t in found[:limit]]


def violated_odd_sets(n: int, pair_levels: dict[tuple[int, int], float]) -> list[tuple[int, ...]]:
    """Odd member sets whose blossom inequality the LP solution breaks: the components of its
    fractional pairs with an odd number of members and more than (|S| - 1) / 2 pairs inside."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (i, j), level in pair_levels.items():
        if 1e-6 < level < 1 - 1e-6:
            parent[root(i)] = root(j)
    components: dict[int, list[int]] = {}
    for i, j in pair_levels:
        for m in (i, j):
            components.setdefault(root(m), []).append(m)
    sets = []
    for members in components.values():
        members = sorted(set(members))
        if len(members) < 3 or len(members) % 2 == 0:
            continue
        inside = set(members)
        total = sum(v for (i, j), v in pair_levels.items() if i in inside and j in inside)
        if total > (len(members) - 1) / 2 + 1e-6:
            sets.append(tuple(members))
    return sets
