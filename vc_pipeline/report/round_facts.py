"""What a round's fairness report is computed from, aligned on one member order."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# kinds of a member who meets nobody this round
ALONE = ("bye", "unpaired")


@dataclass
class RoundFacts:
    """A round's pairing and what it is judged against; matrices are N×N over `members` (row order).

    pairing: ilp_pairing rows; members: normalized_members rows; scores: raw pair scores
    (score_matrix); wish_fit(i, j): member i's wish against member j's profile (cosine, 0 without a
    wish), asked only of pairs that met, so no N×N matrix is needed;
    met_before: pairs that met in earlier rounds; final: final_pairing rows (None before it exists);
    blocked, pinned: the organizers' blocked and pinned pairs of member ids; worse_off_before:
    members worse off in the previous round (history.pairs.worse_off_members); feedback:
    round_feedback rows (None or empty before anyone answered).
    """

    pairing: pd.DataFrame
    members: pd.DataFrame
    scores: np.ndarray
    wish_fit: Callable[[int, int], float]
    met_before: set[frozenset[str]] = field(default_factory=set)
    final: pd.DataFrame | None = None
    blocked: set[frozenset[str]] = field(default_factory=set)
    pinned: set[frozenset[str]] = field(default_factory=set)
    worse_off_before: set[str] = field(default_factory=set)
    feedback: pd.DataFrame | None = None

    def __post_init__(self):
        self.index = {m: i for i, m in enumerate(self.members["member_id"])}

    def groups(self) -> list[tuple[int, ...]]:
        """Each pair or triad as member indices (byes and unpaired members left out)."""
        met = self.pairing[~self.pairing["kind"].isin(ALONE)]
        return [tuple(self.index[m] for m in ids) for ids in met.groupby("group_id")["member_id"].apply(list)]

    def edges(self) -> np.ndarray:
        """Every two members who meet (a pair, or two of a triad) as a K×2 index array."""
        found = [pair for group in self.groups() for pair in itertools.combinations(sorted(group), 2)]
        return np.array(found, dtype=int).reshape(-1, 2)

    def partners(self) -> dict[int, list[int]]:
        """Each member's partners (empty for a bye)."""
        found = {i: [] for i in range(len(self.members))}
        for group in self.groups():
            for i in group:
                found[i] = [j for j in group if j != i]
        return found


def group_scores(pairing: pd.DataFrame) -> np.ndarray:
    """One score per pair or triad (a triad's is the mean of its three pairs), as stored."""
    met = pairing[~pairing["kind"].isin(ALONE)].drop_duplicates("group_id")
    return met["score"].to_numpy(float)
