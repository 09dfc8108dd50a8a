"""score_matrix: a score for every unordered pair of the round's members, with its components."""

import dagster as dg
import pandas as pd

from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.schemas import ScoreMatrix
from vc_pipeline.scoring.learning import weights_of
from vc_pipeline.scoring.pair_scores import score_pairs


@round_asset(ScoreMatrix)
def score_matrix(context: dg.AssetExecutionContext, normalized_members: pd.DataFrame, embeddings: pd.DataFrame,
                 score_weights: pd.DataFrame):
    """A score for every unordered pair of the round's members with its components, weighted by
    score_weights: by hand, preferences > skills > role > experience > location, plus a boost for
    each stated preference met; learned from earlier rounds' ratings when they prove better."""
    weights = weights_of(score_weights)
    table = stamp_round(score_pairs(normalized_members, embeddings, weights), round_of(context))
    return dg.MaterializeResult(
        value=table,
        metadata={"pairs": len(table), "weights": dg.MetadataValue.json(weights.model_dump()),
                  "score_median": float(table["score"].median()) if len(table) else 0.0},
        check_results=[schema_check(ScoreMatrix, table)],
    )
