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
    index = role_index(roles)
    return _FAMILY_TABLE[np.ix_(index, index)]


def role_index(roles: list[str]) -> np.ndarray:
    """Each role's position in ROLES (the rows and columns of role_table)."""
    return np.array([_ROLE_INDEX[r] for r in roles], dtype=int)


def role_table() -> np.ndarray:
    """ROLES×ROLES role_affinity."""
    return _ROLE_TABLE


def experience_matrix(stages: np.ndarray, others: np.ndarray | None = None) -> np.ndarray:
    """1 for the same career stage, falling linearly to 0 across the five steps of the scale
    (`stages` against `others`, default themselves)."""
    stages = stages.astype(float)
    others = stages if others is None else others.astype(float)
    return 1.0 - np.abs(stages[:, None] - others[None, :]) / 5.0


def location_matrix(utc_offsets: np.ndarray, others: np.ndarray | None = None) -> np.ndarray:
    """1 for the same time zone, falling to 0 at 12 hours apart; 0.5 when either place is unknown
    (`utc_offsets` against `others`, default themselves)."""
    offsets = utc_offsets.astype(float)
    others = offsets if others is None else others.astype(float)
    gap = np.abs(offsets[:, None] - others[None, :])
    gap = np.minimum(gap, 24 - gap)
    closeness = 1.0 - np.clip(gap / 12.0, 0.0, 1.0)
    return np.where(np.isnan(closeness), 0.5, closeness)
