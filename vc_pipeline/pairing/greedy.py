"""The baseline a round is measured against: best pair first, as the original prototype paired."""

import numpy as np


def greedy_pairing(scores: np.ndarray, forbidden: np.ndarray | None = None) -> tuple[list[tuple[int, ...]], float]:
    """Repeatedly pair the two free members with the highest allowed score.

    scores: N×N symmetric array; forbidden: optional N×N bool mask of pairs that may not meet.
    Returns the groups (pairs, then a 1-tuple for each member left over) and the pairs' total score.
    """
    n = len(scores)
    upper_a, upper_b = np.triu_indices(n, k=1)
    values = scores[upper_a, upper_b]
    if forbidden is not None:
        keep = ~forbidden[upper_a, upper_b]
        upper_a, upper_b, values = upper_a[keep], upper_b[keep], values[keep]
    free = np.ones(n, dtype=bool)
    groups, total, unpaired = [], 0.0, n
    for k in np.argsort(-values, kind="stable"):
        if unpaired < 2:  # nobody left to pair: the rest of the list cannot change anything
            break
        i, j = upper_a[k], upper_b[k]
        if free[i] and free[j]:
            free[i] = free[j] = False
            unpaired -= 2
            groups.append((int(i), int(j)))
            total += float(values[k])
    groups += [(int(i),) for i in np.nonzero(free)[0]]
    return groups, total


def greedy_cover(values: np.ndarray, pairs: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """A quick pairing to start a solver from: best pair first over `pairs` (i < j), then best pair
    first over the complete graph of the members still free. values: N×N, -inf where a pair may
    not meet; a member with no allowed free partner stays unpaired.

    Sorting only the given pairs and the leftovers' small graph, not all N²/2 pairs, keeps this
    cheap on large rounds; it need not be greedy_pairing's pairing, only cover (nearly) everyone.
    """
    n = len(values)
    ordered = sorted(pairs)
    found = np.array([values[p] for p in ordered], dtype=float)
    free = np.ones(n, dtype=bool)
    chosen = []
    for k in np.argsort(-found, kind="stable"):
        i, j = ordered[k]
        if free[i] and free[j] and np.isfinite(found[k]):
            free[i] = free[j] = False
            chosen.append((i, j))
    rest = np.flatnonzero(free)
    if len(rest) >= 2:
        sub = values[np.ix_(rest, rest)]
        allowed = np.isfinite(sub)
        groups, _ = greedy_pairing(np.where(allowed, sub, 0.0), ~allowed)
        chosen += [(int(rest[g[0]]), int(rest[g[1]])) for g in groups if len(g) == 2]
    return chosen
