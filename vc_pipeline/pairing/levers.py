"""Fairness levers that reshape pair scores before the pairing is solved."""

import numpy as np


def candidate_appearances(scores: np.ndarray, per_member: int) -> np.ndarray:
    """How many members have each member among their `per_member` best-scoring partners."""
    n = len(scores)
    if n < 2:
        return np.zeros(n, dtype=int)
    values = np.where(np.eye(n, dtype=bool), -np.inf, scores)
    k = min(per_member, n - 1)
    top = np.argpartition(-values, k - 1, axis=1)[:, :k]
    return np.bincount(top.ravel(), minlength=n)


def popularity_damping(scores: np.ndarray, strength: float, per_member: int) -> np.ndarray:
    """Per-member factors in (0, 1]: 1 for a member in no more candidate lists than average, smaller
    the more lists they crowd, so popular profiles do not take the best partners from everyone."""
    appearances = candidate_appearances(scores, per_member)
    excess = np.maximum(0.0, appearances / max(1, min(per_member, len(scores) - 1)) - 1.0)
    return 1.0 / (1.0 + strength * excess)


def cross_stage_bonus(stages: np.ndarray, bonus: float) -> np.ndarray:
    """A bonus for pairs across career stages: half at one stage apart, full at two or more."""
    gap = np.abs(stages[:, None].astype(float) - stages[None, :].astype(float))
    return bonus * np.minimum(gap, 2.0) / 2.0


def adjusted_scores(scores: np.ndarray, stages: np.ndarray, *, damping: float, per_member: int, bonus: float) -> np.ndarray:
    """The scores the optimizer maximizes: popularity-damped, plus the cross-stage bonus."""
    factors = popularity_damping(scores, damping, per_member)
    return scores * np.sqrt(factors[:, None] * factors[None, :]) + cross_stage_bonus(stages, bonus)
