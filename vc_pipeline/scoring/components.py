"""Score components, each an N×N matrix in [0, 1] over a round's members."""

import numpy as np

from vc_pipeline.survey.form import ROLES

# Roles that share day-to-day work; pairs across them talk shop more easily than strangers.
_ROLE_FAMILIES = (
    {"ML Engineer", "ML Scientist/Researcher", "Data Scientist", "Data Engineer", "Software Engineer"},
    {"Founder", "Management", "Sales and Marketing"},
    {"Student", "ML Scientist/Researcher"},
)


def role_affinity(a: str, b: str) -> float:
    """1 for the same role, 0.6 for roles of one family, 0.3 otherwise ("Other" is 0.3 with anyone)."""
    if a == b and a != "Other":
        return 1.0
    if any(a in family and b in family for family in _ROLE_FAMILIES):
        return 0.6
    return 0.3


_ROLE_INDEX = {role: i for i, role in enumerate(ROLES)}
_ROLE_TABLE = np.array([[role_affinity(a, b) for b in ROLES] for a in ROLES])
_FAMILY_TABLE = np.array([[a == b or any(a in f and b in f for f in _ROLE_FAMILIES) for b in ROLES] for a in ROLES])


def role_family_matrix(roles: list[str]) -> np.ndarray:
    """N×N bool: the two roles are the same or share a family (the fallback of a similar-role request)."""
    index = np.array([_ROLE_INDEX[r] for r in roles], dtype=int)
    return _FAMILY_TABLE[np.ix_(index, index)]


def role_matrix(roles: list[str]) -> np.ndarray:
    index = np.array([_ROLE_INDEX[r] for r in roles], dtype=int)
    return _ROLE_TABLE[np.ix_(index, index)]


def cosine_matrix(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cosines of unit vectors (row i of left against row j of right), clipped to [0, 1]."""
    return np.clip(left @ right.T, 0.0, 1.0)


def experience_matrix(stages: np.ndarray) -> np.ndarray:
    """1 for the same career stage, falling linearly to 0 across the five steps of the scale."""
    stages = stages.astype(float)
    return 1.0 - np.abs(stages[:, None] - stages[None, :]) / 5.0


def location_matrix(utc_offsets: np.ndarray) -> np.ndarray:
    """1 for the same time zone, falling to 0 at 12 hours apart; 0.5 when either place is unknown."""
    offsets = utc_offsets.astype(float)
    gap = np.abs(offsets[:, None] - offsets[None, :])
    gap = np.minimum(gap, 24 - gap)
    closeness = 1.0 - np.clip(gap / 12.0, 0.0, 1.0)
    return np.where(np.isnan(closeness), 0.5, closeness)
