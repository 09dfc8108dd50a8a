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
    groups, total = [], 0.0
    for k in np.argsort(-values, kind="stable"):
        i, j = upper_a[k], upper_b[k]
        if free[i] and free[j]:
            free[i] = free[j] = False
            groups.append((int(i), int(j)))
            total += float(values[k])
    groups += [(int(i),) for i in np.nonzero(free)[0]]
    return groups, total
