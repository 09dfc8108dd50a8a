"""score_matrix: the round's pair scores with their components: every pair, or on big rounds
each member's best partners (the pairing scores every pair itself, from the same scorer)."""

import dagster as dg
import pandas as pd

from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.schemas import ScoreMatrix
from vc_pipeline.scoring.learning import weights_of
from vc_pipeline.scoring.pair_scores import ScoreTableSettings, score_pairs

_TABLE = ScoreTableSettings()


class ScoreTableConfig(dg.Config):
    """How many pairs are stored; meanings and defaults: vc_pipeline.scoring.pair_scores.ScoreTableSettings."""

    full_table_up_to: int = _TABLE.full_table_up_to
    best_partners: int = _TABLE.best_partners


@round_asset(ScoreMatrix)
def score_matrix(context: dg.AssetExecutionContext, config: ScoreTableConfig, normalized_members: pd.DataFrame,
                 embeddings: pd.DataFrame, score_weights: pd.DataFrame):
    """A score for every unordered pair of the round's members with its components (above
    `full_table_up_to` members, each member's `best_partners` best pairs), weighted by
    score_weights: by hand, preferences > skills > role > experience > location, plus a boost for
    each stated preference met; learned from earlier rounds' ratings when they prove better."""
    weights, settings = weights_of(score_weights), ScoreTableSettings(**config.model_dump())
    table = stamp_round(score_pairs(normalized_members, embeddings, weights, settings), round_of(context))
    members = len(normalized_members)
    return dg.MaterializeResult(
        value=table,
        metadata={"pairs": len(table), "every_pair": len(table) == members * (members - 1) // 2,
                  "weights": dg.MetadataValue.json(weights.model_dump()),
                  "score_median": float(table["score"].median()) if len(table) else 0.0},
        check_results=[schema_check(ScoreMatrix, table)],
    )
