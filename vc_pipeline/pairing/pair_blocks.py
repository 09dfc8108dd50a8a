"""A round's N×N pair quantities (scores, rule costs, masks) read by blocks, so the pairing keeps
at most one dense N×N array: a block of rows against columns, or the values at index pairs.

A `PairBlocks` answers `block(rows, cols)` (rows, cols: a slice or an index array; the
len(rows)×len(cols) values) and `pairs(a, b)` (index arrays; one value per pair). `Dense`
wraps an array; `Formula` computes a quantity from per-member vectors and other sources, written
once for both kinds of read; `SparsePairs` holds a few pairs (earlier pairs, blocks).

>>> roles = np.array([0, 0, 1])
>>> other = Formula(3, lambda at: at.row(roles) != at.col(roles))
>>> other.block(slice(0, 3), slice(0, 3)).astype(int).tolist()
[[0, 0, 1], [0, 0, 1], [1, 1, 0]]
>>> other.pairs(np.array([0, 1]), np.array([1, 2])).tolist()
[False, True]
"""

from collections.abc import Callable, Iterator

import numpy as np

Index = slice | np.ndarray
_BLOCK_ENTRIES = 1 << 20  # entries handled at once: 8 MB float temporaries, which the allocator reuses


def row_blocks(n: int, width: int | None = None) -> Iterator[slice]:
    """Slices of rows 0..n-1, each a block of about _BLOCK_ENTRIES entries at `width` columns (default n)."""
    step = max(1, min(n, _BLOCK_ENTRIES // max(width if width is not None else n, 1)))
    for start in range(0, n, step):
        yield slice(start, min(n, start + step))


def positions(index: Index, n: int) -> np.ndarray:
    """The member indices an Index selects."""
    return np.arange(n)[index] if isinstance(index, slice) else np.asarray(index, dtype=np.int64)


def take(array: np.ndarray, rows: Index, cols: Index) -> np.ndarray:
    """array[rows, cols] as a block (a view for two slices, np.ix_ otherwise)."""
    if isinstance(rows, slice) and isinstance(cols, slice):
        return array[rows, cols]
    return array[np.ix_(positions(rows, len(array)), positions(cols, array.shape[1]))]


class PairBlocks:
    """A symmetric N×N quantity over a round's members, read by blocks or at index pairs."""

    n: int

    def block(self, rows: Index, cols: Index) -> np.ndarray:
        raise NotImplementedError

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, pair: tuple[int, int]):
        i, j = pair
        return self.pairs(np.array([i]), np.array([j]))[0].item()

    def dense(self) -> np.ndarray:
        """The whole N×N array (for small rounds and tests)."""
        whole = None
        for rows in row_blocks(self.n):
            block = self.block(rows, slice(0, self.n))
            if whole is None:
                whole = np.empty((self.n, self.n), dtype=block.dtype)
            whole[rows] = block
        return whole if whole is not None else np.zeros((0, 0))

    def row_sums(self) -> np.ndarray:
        """Per member, the sum of its row (a count, for a mask)."""
        return np.concatenate([self.block(r, slice(0, self.n)).sum(axis=1) for r in row_blocks(self.n)] or [np.zeros(0)])

    def upper_sum(self) -> float:
        """The sum over pairs i < j (a count of pairs, for a mask)."""
        total = 0
        for rows in row_blocks(self.n):
            block = self.block(rows, slice(rows.start, self.n))
            total += block.sum() - np.tril(block[:, :rows.stop - rows.start]).sum()
        return total


class Dense(PairBlocks):
    """An N×N array as PairBlocks."""

    def __init__(self, array: np.ndarray):
        self.array, self.n = array, len(array)

    def block(self, rows: Index, cols: Index) -> np.ndarray:
        return take(self.array, rows, cols)

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self.array[a, b]

    def dense(self) -> np.ndarray:
        return self.array


def as_blocks(values: "np.ndarray | PairBlocks", dtype=None) -> PairBlocks:
    """`values` as PairBlocks: an array is wrapped (converted to `dtype` when given)."""
    if isinstance(values, PairBlocks):
        return values
    return Dense(np.asarray(values, dtype=dtype))


class _BlockReader:
    """Reads per-member vectors and sources for a block: rows down, columns across."""

    def __init__(self, rows: Index, cols: Index):
        self.rows, self.cols = rows, cols

    def row(self, vector: np.ndarray) -> np.ndarray:
        return vector[self.rows][:, None]

    def col(self, vector: np.ndarray) -> np.ndarray:
        return vector[self.cols][None, :]

    def of(self, source: PairBlocks, transposed: bool = False, members: np.ndarray | None = None) -> np.ndarray:
        """`source`'s block (transposed: read as (cols, rows)); `members`: these are positions in it."""
        rows, cols = self.rows, self.cols
        if members is not None:
            rows, cols = members[rows], members[cols]
        return source.block(cols, rows).T if transposed else source.block(rows, cols)

    def matrix(self, array: np.ndarray, transposed: bool = False) -> np.ndarray:
        return take(array, self.cols, self.rows).T if transposed else take(array, self.rows, self.cols)


class _PairReader:
    """Reads per-member vectors and sources at index pairs (a[k], b[k])."""

    def __init__(self, a: np.ndarray, b: np.ndarray):
        self.a, self.b = a, b

    def row(self, vector: np.ndarray) -> np.ndarray:
        return vector[self.a]

    def col(self, vector: np.ndarray) -> np.ndarray:
        return vector[self.b]

    def of(self, source: PairBlocks, transposed: bool = False, members: np.ndarray | None = None) -> np.ndarray:
        a, b = (self.a, self.b) if members is None else (members[self.a], members[self.b])
        return source.pairs(b, a) if transposed else source.pairs(a, b)

    def matrix(self, array: np.ndarray, transposed: bool = False) -> np.ndarray:
        return array[self.b, self.a] if transposed else array[self.a, self.b]


class Formula(PairBlocks):
    """A quantity computed by `formula(at)`, where `at.row(v)` / `at.col(v)` read a per-member
    vector for the rows / columns, `at.of(source)` another PairBlocks and `at.matrix(array)` an
    N×N array: one function serves blocks and pairs, so both give the same numbers. `symmetric`:
    the formula is known to give v[i, j] == v[j, i] (so nobody needs to read the transpose)."""

    def __init__(self, n: int, formula: Callable, symmetric: bool = False):
        self.n, self.formula, self.symmetric = n, formula, symmetric

    def block(self, rows: Index, cols: Index) -> np.ndarray:
        shape = (len(positions(rows, self.n)), len(positions(cols, self.n)))
        return _shaped(self.formula(_BlockReader(rows, cols)), shape)

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return _shaped(self.formula(_PairReader(np.asarray(a), np.asarray(b))), np.shape(a))


def _shaped(values: np.ndarray, shape: tuple) -> np.ndarray:
    # a formula of one side only (or a constant) comes back broadcast: callers may write into it
    values = np.asarray(values)
    return values if values.shape == shape else np.broadcast_to(values, shape).copy()


def zeros(n: int) -> Formula:
    """The all-zero quantity."""
    return Formula(n, lambda at: np.zeros(1))


class SparsePairs(PairBlocks):
    """A quantity that is `fill` except at a few pairs: (i, j) and (j, i) hold values[k] for each
    pair (a[k], b[k]) (a pair given twice keeps its last value)."""

    def __init__(self, n: int, a, b, values, fill: float = 0.0, dtype=float):
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        values = np.broadcast_to(np.asarray(values, dtype=dtype), a.shape)
        keys = np.concatenate([a * n + b, b * n + a])
        keys, first = np.unique(keys[::-1], return_index=True)  # reversed: the last value given wins
        self.n, self.fill, self.dtype = n, fill, dtype
        self.keys, self.values = keys, np.concatenate([values, values])[::-1][first]

    def mapped(self, function: Callable, dtype=float) -> "SparsePairs":
        """The same pairs holding function(value) (and function(fill) elsewhere)."""
        mapped = SparsePairs.__new__(SparsePairs)
        mapped.n, mapped.dtype, mapped.keys = self.n, dtype, self.keys
        mapped.values = np.asarray(function(self.values), dtype=dtype)
        mapped.fill = np.asarray(function(np.array([self.fill])), dtype=dtype)[0].item()
        return mapped

    def count_true(self) -> int:
        """How many pairs (i < j) hold a true (nonzero) value."""
        return int(((self.keys // self.n < self.keys % self.n) & (self.values != 0)).sum())

    def row_counts(self) -> np.ndarray:
        """Per member, how many pairs of its row hold a value."""
        return np.bincount(self.keys // self.n, minlength=self.n) if self.n else np.zeros(0, dtype=int)

    def block(self, rows: Index, cols: Index) -> np.ndarray:
        r, c = positions(rows, self.n), positions(cols, self.n)
        out = np.full((len(r), len(c)), self.fill, dtype=self.dtype)
        if not len(self.keys) or not len(r) or not len(c):
            return out
        if isinstance(rows, slice):  # the keys of these rows are one run of the sorted keys
            lo, hi = np.searchsorted(self.keys, [r[0] * self.n, (r[-1] + 1) * self.n])
            keys, values = self.keys[lo:hi], self.values[lo:hi]
        else:
            keys, values = self.keys, self.values
        row_at, col_at = np.full(self.n, -1), np.full(self.n, -1)
        row_at[r], col_at[c] = np.arange(len(r)), np.arange(len(c))
        i, j = row_at[keys // self.n], col_at[keys % self.n]
        inside = (i >= 0) & (j >= 0)
        out[i[inside], j[inside]] = values[inside]
        return out

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        keys = np.asarray(a, dtype=np.int64) * self.n + np.asarray(b, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        found = self.keys[at] == keys if len(self.keys) else np.zeros(keys.shape, dtype=bool)
        return np.where(found, self.values[at] if len(self.keys) else self.fill, self.fill).astype(self.dtype)
