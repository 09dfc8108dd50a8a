"""Which pairs and triads could improve a pairing, priced with the LP duals of the master problem.

A column's reduced cost is its value minus the duals of the members it covers (and of the count
constraint, for a triad). Any pairing that uses a column is worth at most the LP bound plus that
column's reduced cost, so a column whose reduced cost is at most (incumbent − LP bound) can never
beat the incumbent: pricing every excluded column proves the pairing optimal for the full graph.
"""

from dataclasses import dataclass, field

import numpy as np

from vc_pipeline.pairing.pair_blocks import PairBlocks, as_blocks, row_blocks

_KEPT_PER_ROW = 128  # values kept per member for pricing; every other value of its row is at most its bound
_PAIRS_PER_READ = 1 << 21  # pairs read at once when pricing beyond the kept values


@dataclass
class RowBounds:
    """Per member i, its highest values against the later members j > i: `cols` and `values`
    (n×K, padded with -inf), and `rest`, a bound no other value v[i, j > i] exceeds (-inf: none)."""

    cols: np.ndarray
    values: np.ndarray
    rest: np.ndarray


@dataclass
class ValueScan:
    """What one pass over a stage's values finds: each member's best partners (`candidates`, i < j
    pairs), the RowBounds that let pricing skip most pairs, and the largest finite |value|."""

    candidates: set[tuple[int, int]]
    bounds: RowBounds
    largest: float


def scan_values(values: PairBlocks, per_member: int, kept: int = _KEPT_PER_ROW) -> ValueScan:
    """One pass over `values` (N×N, -inf where a pair may not be used) by blocks of rows: each
    member's `per_member` highest-valued allowed partners, its `kept` highest values against later
    members with a bound on the rest, and the largest finite |value|."""
    n = values.n
    k = min(per_member, n - 1)
    width = max(1, min(kept, n))
    bounds = RowBounds(np.zeros((n, width), dtype=np.int64), np.full((n, width), -np.inf), np.full(n, -np.inf))
    found, largest = [np.empty((0, 2), dtype=np.int64)], 0.0
    for rows in row_blocks(n):
        block = np.array(values.block(rows, slice(0, n)), dtype=float)  # a copy: marked below
        finite = np.isfinite(block)  # reductions with `where` avoid copying the finite values
        largest = max(largest, float(block.max(where=finite, initial=0.0)), -float(block.min(where=finite, initial=0.0)))
        _keep_best(block[:, rows.start:].copy(), rows, bounds)
        found.append(_best_in_rows(block, rows.start, k))
    pairs = np.unique(np.sort(np.concatenate(found), axis=1), axis=0)
    return ValueScan(set(zip(pairs[:, 0].tolist(), pairs[:, 1].tolist())), bounds, largest)


def _keep_best(upper: np.ndarray, rows: slice, bounds: RowBounds) -> None:
    """Fill `bounds` for `rows` from their values against columns rows.start.. (`upper`, modified)."""
    size = rows.stop - rows.start
    upper[:, :size][np.tril(np.ones((size, size), dtype=bool))] = -np.inf  # only the columns j > i
    kept = bounds.cols.shape[1]
    if upper.shape[1] > kept:
        part = np.argpartition(-upper, kept, axis=1)
        top = part[:, :kept]
        bounds.rest[rows] = np.take_along_axis(upper, part[:, kept:kept + 1], axis=1)[:, 0]
    else:
        top = np.broadcast_to(np.arange(upper.shape[1]), (size, upper.shape[1]))
    bounds.cols[rows, :top.shape[1]] = top + rows.start
    bounds.values[rows, :top.shape[1]] = np.take_along_axis(upper, top, axis=1)


def _best_in_rows(block: np.ndarray, start: int, k: int) -> np.ndarray:
    """Each row's k highest finite values' (row, column) pairs (ties: the lower column); marks `block`."""
    found, rows = [], np.arange(len(block))
    # k passes of argmax beat argpartition's selection for the few partners asked for
    for _ in range(max(k, 0)):
        best = block.argmax(axis=1)
        allowed = np.isfinite(block[rows, best])
        found.append(np.stack([rows[allowed] + start, best[allowed]], axis=1))
        block[rows, best] = -np.inf
    return np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)


def best_candidates(values: "np.ndarray | PairBlocks", per_member: int) -> set[tuple[int, int]]:
    """Each member's `per_member` highest-valued allowed partners, as (i < j) pairs."""
    values = as_blocks(values)
    if min(per_member, values.n - 1) <= 0:
        return set()
    return scan_values(values, per_member, kept=1).candidates


@dataclass
class Duals:
    """LP duals: per member, of the odd-round count, and of each odd-set (blossom) inequality."""

    members: np.ndarray
    count: float = 0.0
    odd_sets: list[tuple[int, ...]] = field(default_factory=list)
    odd_set_duals: list[float] = field(default_factory=list)

    def active_odd_sets(self) -> list[tuple[np.ndarray, float]]:
        return [(np.array(s), z) for s, z in zip(self.odd_sets, self.odd_set_duals) if z > 1e-12]


def price_pairs(values: "np.ndarray | PairBlocks", duals: Duals, above: float, present: set[tuple[int, int]],
                limit: int, bounds: RowBounds | None = None, kept_exact: bool = True) -> list[tuple[int, int]]:
    """Pairs (i < j) not yet `present` whose reduced cost exceeds `above`, best first, at most `limit`.

    `bounds` (from scan_values over these values or over values they never exceed) let most pairs
    be skipped: beyond a member's kept values, only partners whose dual is low enough can price
    positive. kept_exact: the kept values are these values (else they are read again)."""
    values = as_blocks(values)
    n, y = values.n, duals.members
    if bounds is None:
        bounds = scan_values(values, 0, kept=n).bounds
    i = np.repeat(np.arange(n), bounds.cols.shape[1])
    j, v = bounds.cols.ravel(), bounds.values.ravel()
    finite = np.isfinite(v)
    i, j, v = i[finite], j[finite], v[finite]
    if not kept_exact:
        v = values.pairs(i, j)
    found = [_priced(i, j, v, duals, above)]
    found += [_priced(a, b, values.pairs(a, b), duals, above) for a, b in _beyond_kept(bounds, y, above)]
    i = np.concatenate([f[0] for f in found])
    j = np.concatenate([f[1] for f in found])
    costs = np.concatenate([f[2] for f in found])
    keys, first = np.unique(i * n + j, return_index=True)  # in (i, j) order, each pair once
    costs = costs[first]
    if present and len(keys):
        known = np.array([a * n + b for a, b in present], dtype=np.int64)
        fresh = ~np.isin(keys, known)
        keys, costs = keys[fresh], costs[fresh]
    best = np.argsort(-costs, kind="stable")[:limit]
    return [(int(k // n), int(k % n)) for k in keys[best]]


def _priced(i: np.ndarray, j: np.ndarray, v: np.ndarray, duals: Duals, above: float):
    """The pairs (i < j) of values v whose reduced cost exceeds `above`, with that cost."""
    reduced = v - duals.members[i] - duals.members[j]
    # an odd set's dual only lowers a cost: those already at most `above` stay out, the rest are charged
    keep = reduced > above
    i, j, reduced = i[keep], j[keep], reduced[keep]
    n = len(duals.members)
    for members, z in duals.active_odd_sets():
        inside = np.zeros(n, dtype=bool)
        inside[members] = True
        reduced[inside[i] & inside[j]] -= z
    keep = reduced > above
    return i[keep], j[keep], reduced[keep]


def _beyond_kept(bounds: RowBounds, y: np.ndarray, above: float):
    """(rows, columns) index arrays, a few million pairs at a time, of every pair (i < j) outside
    i's kept values that could price above `above`: v[i, j] <= rest[i], so only y[j] below
    rest[i] - y[i] - above can."""
    n = len(y)
    order = np.argsort(y, kind="stable")
    bounded = np.isfinite(bounds.rest)
    threshold = np.where(bounded, bounds.rest, 0.0) - y - above
    threshold += 1e-9 * (1.0 + np.abs(threshold))  # rounding slack: an extra pair is priced exactly, never lost
    count = np.where(bounded, np.searchsorted(y[order], threshold, side="left"), 0)
    start = 0
    while start < n:
        stop = start + 1 + int(np.searchsorted(np.cumsum(count[start:]), _PAIRS_PER_READ))
        rows = np.arange(start, min(stop, n))
        sizes = count[rows]
        a = np.repeat(rows, sizes)
        b = order[np.arange(len(a)) - np.repeat(np.cumsum(sizes) - sizes, sizes)]
        later = b > a
        yield a[later], b[later]
        start = rows[-1] + 1


def triad_value(values: "np.ndarray | PairBlocks", i: int, j: int, k: int) -> float:
    """A triad's value: the sum of its three pair values."""
    return float(triad_values(values, [(i, j, k)])[0])


def triad_values(values: "np.ndarray | PairBlocks", triads: list[tuple[int, int, int]]) -> np.ndarray:
    """Each triad's value (the sum of its three pair values), read at once."""
    if not len(triads):
        return np.zeros(0)
    values = as_blocks(values)
    i, j, k = np.asarray(triads, dtype=np.int64).T
    return values.pairs(i, j) + values.pairs(i, k) + values.pairs(j, k)


def price_triads(values: "np.ndarray | PairBlocks", dual: Duals, above: float, present: set[tuple[int, int, int]],
                 limit: int) -> list[tuple[int, int, int]]:
    """Triads (i < j < k) not yet `present` whose reduced cost exceeds `above`, at most `limit`.

    Prunes soundly: with every pair priced out (reduced cost <= ~0), a triad's reduced cost is at
    most any of its pair values + max dual − count dual (+ the odd-set duals a pair may carry), so
    each of its pairs must exceed that bound.
    """
    values = as_blocks(values)
    n, duals, count_dual = values.n, dual.members, dual.count
    odd_sets = dual.active_odd_sets()
    floor = above + count_dual - duals.max() - 1e-6 - 2 * sum(z for _, z in odd_sets)
    high = np.concatenate([values.block(rows, slice(0, n)) > floor for rows in row_blocks(n)])
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
        first = np.full(len(j), i)
        reduced = ((values.pairs(first, j) + values.pairs(first, k) + values.pairs(j, k))
                   - duals[i] - duals[j] - duals[k] - count_dual)
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
