"""score_matrix and ilp_pairing: score every pair, then solve the round's optimal pairing."""

import dagster as dg
import pandas as pd

from vc_pipeline.defs.assets.round_asset import round_asset, stamp_round
from vc_pipeline.defs.checks import schema_check
from vc_pipeline.defs.partitions import round_of
from vc_pipeline.defs.resources import RoundStore
from vc_pipeline.history.pairs import earlier_pairs
from vc_pipeline.pairing.round_pairing import RoundInfeasible, pair_round
from vc_pipeline.pairing.solver import SolverFailed
from vc_pipeline.schemas import IlpPairing, ScoreMatrix
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


class PairingConfig(dg.Config):
    """Solver settings for this run."""

    time_limit_seconds: float = 120.0


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


@round_asset(IlpPairing)
def ilp_pairing(context: dg.AssetExecutionContext, config: PairingConfig, score_matrix: pd.DataFrame,
                normalized_members: pd.DataFrame, store: RoundStore):
    """One global, proven-optimal 1:1 pairing for the round (PuLP/CBC): never repeats an earlier
    round's pair, gives a similar-role buddy to whoever asked, one bye when the count is odd."""
    round_date = round_of(context)
    with store.connection() as connection:
        met_before = earlier_pairs(connection, round_date)
    try:
        result = pair_round(normalized_members, score_matrix, met_before, config.time_limit_seconds)
    except (RoundInfeasible, SolverFailed) as error:
        raise dg.Failure(description=str(error)) from None
    table = stamp_round(result.table, round_date)
    return dg.MaterializeResult(
        value=table,
        metadata={"members": len(table), "pairs": int((table["kind"] == "pair").sum() // 2),
                  "byes": int((table["kind"] == "bye").sum()), "total_score": result.pairing.total,
                  "proven_optimal": result.pairing.proven_optimal, "solver_status": result.pairing.solver_status,
                  "earlier_pairs_barred": result.forbidden_repeat, "role_mismatches_barred": result.forbidden_role},
        check_results=[schema_check(IlpPairing, table)],
    )
