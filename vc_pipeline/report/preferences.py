"""Stated preferences met: similar-role requests and free-text wishes.

A member on a bye meets nobody, so their preference is neither met nor broken: the shares are over
the members who met someone (the bye is reported as a bye).
"""

import numpy as np

from vc_pipeline.report.round_facts import RoundFacts


def _share(met: list[bool]) -> float:
    return float(np.mean(met)) if met else np.nan


def similar_role_figures(facts: RoundFacts) -> dict[str, float]:
    """How many asked for a buddy in a similar role; of those who met someone, how many got their
    role (`similar_role_exact`), only a role of its family (`similar_role_family`) or neither
    (`similar_role_unmet`); and the share met exactly (NaN when no requester met anyone)."""
    from vc_pipeline.scoring.components import role_family_matrix

    roles = facts.members["role"].to_numpy()
    family = role_family_matrix(list(roles)) if len(roles) else np.zeros((0, 0), dtype=bool)
    partners = facts.partners()
    asked = np.flatnonzero(facts.members["wants_similar_role"].to_numpy(bool))
    exact = [all(roles[j] == roles[i] for j in partners[i]) for i in asked if partners[i]]
    by_family = [all(family[i, j] for j in partners[i]) for i in asked if partners[i]]
    return {"similar_role_requested": float(len(asked)), "similar_role_exact": float(sum(exact)),
            "similar_role_family": float(sum(f and not e for e, f in zip(exact, by_family))),
            "similar_role_unmet": float(by_family.count(False)), "similar_role_satisfied_share": _share(exact)}


def wish_figures(facts: RoundFacts, threshold: float) -> dict[str, float]:
    """How many wrote a wish, and the share of those who met someone whose partner's profile
    matches it (cosine of wish and profile at least `threshold`; in a triad, either partner)."""
    partners = facts.partners()
    wished = np.flatnonzero(facts.members["has_wish"].to_numpy(bool))
    met = [any(facts.wish_fit(i, j) >= threshold for j in partners[i]) for i in wished if partners[i]]
    return {"wishes_stated": float(len(wished)), "wish_satisfied_share": _share(met)}
