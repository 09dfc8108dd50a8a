"""Fairness levers that reshape pair scores before the pairing is solved."""

import numpy as np

from vc_pipeline.pairing.pair_blocks import Formula, PairBlocks, as_blocks, row_blocks


def candidate_appearances(scores: "np.ndarray | PairBlocks", per_member: int) -> np.ndarray:
    """How many members have each member among their `per_member` best-scoring partners
    (`scores`: N×N, an array or PairBlocks, read a block of rows at a time)."""
    scores = as_blocks(scores)
    n = scores.n
    if n < 2:
        return np.zeros(n, dtype=int)
    k = min(per_member, n - 1)
    counts = np.zeros(n, dtype=np.int64)
    for rows in row_blocks(n):
        values = np.array(scores.block(rows, slice(0, n)), dtype=float)
        values[np.arange(len(values)), np.arange(rows.start, rows.stop)] = -np.inf
        # row by row, as on the whole matrix: argpartition picks the same partners for the same row
        top = np.argpartition(-values, k - 1, axis=1)[:, :k]
        counts += np.bincount(top.ravel(), minlength=n)
    return counts


def popularity_damping(scores: "np.ndarray | PairBlocks", strength: float, per_member: int) -> np.ndarray:
    """Per-member factors in (0, 1]: 1 for a member in no more candidate lists than average, smaller
    the more lists they crowd, so popular profiles do not take the best partners from everyone."""
    appearances = candidate_appearances(scores, per_member)
    excess = np.maximum(0.0, appearances / max(1, min(per_member, len(scores) - 1)) - 1.0)
    return 1.0 / (1.0 + strength * excess)


def cross_stage_bonus(stages: np.ndarray, bonus: float) -> np.ndarray:
    """A bonus for pairs across career stages: half at one stage apart, full at two or more."""
    gap = np.abs(stages[:, None].astype(float) - stages[None, :].astype(float))
    return bonus * np.minimum(gap, 2.0) / 2.0


def adjusted_blocks(scores: "np.ndarray | PairBlocks", stages: np.ndarray, *, damping: float, per_member: int,
                    bonus: float) -> Formula:
    """The scores the optimizer maximizes, as PairBlocks computed from `scores` block by block:
    popularity-damped, plus the cross-stage bonus (the same numbers as adjusted_scores)."""
    scores = as_blocks(scores)
    factors = popularity_damping(scores, damping, per_member)
    stages = np.asarray(stages).astype(float)

    def adjusted(at):
        gap = np.abs(at.row(stages) - at.col(stages))
        return at.of(scores) * np.sqrt(at.row(factors) * at.col(factors)) + bonus * np.minimum(gap, 2.0) / 2.0
    return Formula(scores.n, adjusted)


def adjusted_scores(scores: np.ndarray, stages: np.ndarray, *, damping: float, per_member: int, bonus: float) -> np.ndarray:
    """The scores the optimizer maximizes: popularity-damped, plus the cross-stage bonus."""
    factors = popularity_damping(scores, damping, per_member)
    return scores * np.sqrt(factors[:, None] * factors[None, :]) + cross_stage_bonus(stages, bonus)
