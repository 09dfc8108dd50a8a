"""score_matrix: a score for every unordered pair of the round's members, with its components."""

import dagster as dg
import pandas as pd

from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.schemas import ScoreMatrix
from vc_pipeline.scoring.pair_scores import score_pairs
from vc_pipeline.scoring.weights import ScoreWeights

_DEFAULT = ScoreWeights()


class ScoringConfig(dg.Config):
    """Score weights for this run; defaults are vc_pipeline.scoring.weights.ScoreWeights."""

    preference: float = _DEFAULT.preference
    skills: float = _DEFAULT.skills
    role: float = _DEFAULT.role
    experience: float = _DEFAULT.experience
    location: float = _DEFAULT.location
    preference_met: float = _DEFAULT.preference_met
    wish_threshold: float = _DEFAULT.wish_threshold


@round_asset(ScoreMatrix)
def score_matrix(context: dg.AssetExecutionContext, config: ScoringConfig, normalized_members: pd.DataFrame,
                 embeddings: pd.DataFrame):
    """A score for every unordered pair of the round's members with its components: preferences >
    skills > role > experience > location, plus a boost for each stated preference met."""
    weights = ScoreWeights(**config.model_dump())
    table = stamp_round(score_pairs(normalized_members, embeddings, weights), round_of(context))
    return dg.MaterializeResult(
        value=table,
        metadata={"pairs": len(table), "weights": dg.MetadataValue.json(weights.model_dump()),
                  "score_median": float(table["score"].median()) if len(table) else 0.0},
        check_results=[schema_check(ScoreMatrix, table)],
    )
