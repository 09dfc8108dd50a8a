"""Exposure of popular profiles: how often they are met, against how often they are wanted."""

import math

import numpy as np

from vc_pipeline.report.round_facts import RoundFacts

# The candidate lists are the same length as the popularity lever's (PairingSettings.popularity_candidates).
CANDIDATES = 10


def popular_members(appearances: np.ndarray) -> np.ndarray:
    """Indices of the most popular decile (at least one member): most candidate-list appearances
    first, ties broken by member order."""
    size = max(1, math.ceil(len(appearances) / 10))
    return np.argsort(-appearances, kind="stable")[:size]


def exposure_figures(facts: RoundFacts, candidates: int = CANDIDATES) -> dict[str, float]:
    """For the most popular decile by appearances in every member's `candidates` best-scoring
    partners: their share of the candidate-list entries, their share of the final matches (member
    → partner; a triad member is two matches' partner), and the ratio of the two. 1:1 pairing
    lets a profile be met once however often it is wanted, so the ratio is at most about 1; NaN
    when the round has no candidates or no matches."""
    from vc_pipeline.pairing.levers import candidate_appearances

    appearances = candidate_appearances(facts.scores, candidates)
    popular = popular_members(appearances) if len(appearances) else np.array([], dtype=int)
    matches = np.array([len(p) for p in facts.partners().values()], dtype=float)
    candidate_share = appearances[popular].sum() / appearances.sum() if appearances.sum() else np.nan
    match_share = matches[popular].sum() / matches.sum() if matches.sum() else np.nan
    return {"popular_candidate_share": float(candidate_share), "popular_match_share": float(match_share),
            "popular_exposure_ratio": float(match_share / candidate_share) if candidate_share else np.nan}
