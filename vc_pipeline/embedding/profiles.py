"""embeddings: a profile vector (summary + skills) and a wish vector (buddy_preferences) per member."""

import numpy as np
import pandas as pd

from vc_pipeline.embedding.cache import EmbeddingCache
from vc_pipeline.embedding.model import embed_texts

# A "tweet-sized" summary is ~100 characters; a longer one is cut at a word so the skills after it
# still fit in the model's 256-word-piece window instead of being cut off.
SUMMARY_CHARS = 600


def profile_text(summary: str, skills: str) -> str:
    """The text that describes a member: their summary (first SUMMARY_CHARS, cut at a word) and skills."""
    summary = summary.strip()
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS].rsplit(maxsplit=1)[0]
    parts = [summary, f"Skills: {skills.strip()}" if skills.strip() else ""]
    return " ".join(p for p in parts if p)


def embed_members(members: pd.DataFrame, cache: EmbeddingCache | None = None) -> pd.DataFrame:
    """normalized_members rows → `round, member_id, has_wish, profile, wish` (vectors as float32 arrays).

    With a `cache`, texts already in the store cost no model call and `cache.counts` adds up this
    call's hits and misses; without one, every text goes to the model."""
    profiles = [profile_text(s, k) for s, k in zip(members["summary"], members["skills"])]
    wishes = list(members["buddy_preferences"])
    embed = cache.embed if cache is not None else embed_texts
    # Both columns in one call: one cache lookup and at most one model batch.
    both = embed(profiles + wishes)
    return pd.DataFrame({
        "round": members["round"].to_numpy(),
        "member_id": members["member_id"].to_numpy(),
        "has_wish": members["has_wish"].to_numpy(),
        "profile": list(both[:len(profiles)]),
        "wish": list(both[len(profiles):]),
    })


def vectors(table: pd.DataFrame, column: str) -> np.ndarray:
    """An embeddings column as an N×D float32 matrix."""
    if table.empty:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([np.asarray(v, dtype=np.float32) for v in table[column]])
