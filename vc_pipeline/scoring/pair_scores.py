"""score_matrix: every unordered pair of a round's members, its score and the components behind it."""

import numpy as np
import pandas as pd

from vc_pipeline.embedding.profiles import vectors
from vc_pipeline.schemas import ScoreMatrix, columns_of
from vc_pipeline.scoring.components import (
    cosine_matrix,
    experience_matrix,
    location_matrix,
    role_matrix,
)
from vc_pipeline.scoring.weights import ScoreWeights

COMPONENTS = ("preference", "skills", "role", "experience", "location", "preference_met")
SCORE_COLUMNS = columns_of(ScoreMatrix)


def _per_stater(total: np.ndarray, stated: np.ndarray) -> np.ndarray:
    """A pair's directional total divided by how many of its two members stated a preference."""
    count = stated[:, None] + stated[None, :]
    return np.divide(total, count, out=np.zeros_like(total, dtype=float), where=count > 0)


def component_matrices(members: pd.DataFrame, embeddings: pd.DataFrame, weights: ScoreWeights) -> dict[str, np.ndarray]:
    """Each component as an N×N matrix over `members` (row order), from their embeddings."""
    aligned = embeddings.set_index("member_id").loc[members["member_id"]]
    profiles, wishes = vectors(aligned, "profile"), vectors(aligned, "wish")
    has_wish = members["has_wish"].to_numpy(bool)
    # "A wants B": A's wish against B's profile; members without a wish state nothing
    wish_fit = cosine_matrix(wishes, profiles) * has_wish[:, None]
    roles = role_matrix(list(members["role"]))
    similar = members["wants_similar_role"].to_numpy(bool)
    met = (has_wish[:, None] & (wish_fit >= weights.wish_threshold)) | (similar[:, None] & (roles == 1.0))
    stated = (has_wish | similar).astype(float)
    wishes_stated = has_wish.astype(float)
    return {
        # averaged over the members of the pair who stated something, so one member's wish counts fully
        "preference": _per_stater(wish_fit + wish_fit.T, wishes_stated),
        "preference_met": _per_stater((met + met.T).astype(float), stated),
        "skills": cosine_matrix(profiles, profiles),
        "role": roles,
        "experience": experience_matrix(members["career_stage"].to_numpy()),
        "location": location_matrix(members["utc_offset"].to_numpy(dtype=float)),
    }


def score_pairs(members: pd.DataFrame, embeddings: pd.DataFrame, weights: ScoreWeights | None = None) -> pd.DataFrame:
    """One row per unordered pair (member_a < member_b): `round, member_a, member_b, score` and
    each component in [0, 1]; score = Σ weight × component."""
    weights = weights or ScoreWeights()
    members = members.sort_values("member_id").reset_index(drop=True)
    if len(members) < 2:  # no pair; typed columns so the schema check and the store see the real types
        return pd.DataFrame({c: pd.Series(dtype=object if c in SCORE_COLUMNS[:3] else float) for c in SCORE_COLUMNS})
    parts = component_matrices(members, embeddings, weights)
    upper_a, upper_b = np.triu_indices(len(members), k=1)
    ids = members["member_id"].to_numpy()
    table = pd.DataFrame({"member_a": ids[upper_a], "member_b": ids[upper_b]})
    table.insert(0, "round", members["round"].iloc[0])
    score = np.zeros(len(upper_a))
    for name in COMPONENTS:
        values = parts[name][upper_a, upper_b].astype(float)
        table[name] = values
        score += getattr(weights, name) * values
    table.insert(3, "score", score)
    return table[SCORE_COLUMNS]
