"""embeddings: a profile vector (summary + skills) and a wish vector (buddy_preferences) per member."""

import numpy as np
import pandas as pd

from vc_pipeline.embedding.model import embed_texts


def profile_text(summary: str, skills: str) -> str:
    """The text that describes a member: their summary and their skills."""
    parts = [summary.strip(), f"Skills: {skills.strip()}" if skills.strip() else ""]
    return " ".join(p for p in parts if p)


def embed_members(members: pd.DataFrame) -> pd.DataFrame:
    """normalized_members rows → `round, member_id, has_wish, profile, wish` (vectors as float32 arrays)."""
    profiles = embed_texts([profile_text(s, k) for s, k in zip(members["summary"], members["skills"])])
    wishes = embed_texts(list(members["buddy_preferences"]))
    return pd.DataFrame({
        "round": members["round"].to_numpy(),
        "member_id": members["member_id"].to_numpy(),
        "has_wish": members["has_wish"].to_numpy(),
        "profile": list(profiles),
        "wish": list(wishes),
    })


def vectors(table: pd.DataFrame, column: str) -> np.ndarray:
    """An embeddings column as an N×D float32 matrix."""
    if table.empty:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([np.asarray(v, dtype=np.float32) for v in table[column]])
