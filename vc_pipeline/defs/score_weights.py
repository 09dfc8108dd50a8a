"""score_weights: the weights a round is scored with, learned from earlier rounds' ratings when
they prove better than the hand weights."""

import dagster as dg

from vc_pipeline.history.ratings import rated_pairs
from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import RoundStore
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.schemas import ScoreWeightsUsed
from vc_pipeline.scoring.learning import LearningSettings, choose_weights, hand_of, weights_table
from vc_pipeline.scoring.weights import ScoreWeights
from vc_pipeline.store.tables import read_round, table_exists

_HAND, _LEARNING = ScoreWeights(), LearningSettings()
CHOICE_CHECK = ("weights_choice", "Says which weights score the round (hand or learned) and why: learned ones "
                                  "need enough rated pairs and must beat the hand weights on held-out rounds.")


class ScoringConfig(dg.Config):
    """Hand score weights (vc_pipeline.scoring.weights.ScoreWeights) and how weights are learned
    (vc_pipeline.scoring.learning.LearningSettings)."""

    preference: float = _HAND.preference
    skills: float = _HAND.skills
    role: float = _HAND.role
    experience: float = _HAND.experience
    location: float = _HAND.location
    preference_met: float = _HAND.preference_met
    wish_threshold: float = _HAND.wish_threshold
    learn: bool = _LEARNING.learn
    min_rated_pairs: int = _LEARNING.min_rated_pairs
    prior_pairs: float = _LEARNING.prior_pairs
    refit: bool = _LEARNING.refit


# after normalized_members: weights are chosen for a round that has members (a failed round stores nothing)
@round_asset(ScoreWeightsUsed, extra_checks=(CHOICE_CHECK,), deps=("normalized_members",))
def score_weights(context: dg.AssetExecutionContext, config: ScoringConfig, store: RoundStore):
    """The round's score weights, one row per parameter (hand, learned, used) with the choice and
    its held-out figures. Learned only from rounds before this one; a round keeps the weights it
    recorded when first scored (unless `refit`, or the hand weights changed), so re-materializing an
    old round after later feedback reproduces its pairing exactly."""
    values = config.model_dump()
    hand = ScoreWeights(**{k: values[k] for k in ScoreWeights.model_fields})
    learning = LearningSettings(**{k: values[k] for k in LearningSettings.model_fields})
    round_date, (start, end) = round_of(context), context.partition_time_window
    with store.connection() as connection:
        recorded = read_round(connection, "score_weights", start, end) if table_exists(connection, "score_weights") else None
        reuse = recorded is not None and len(recorded) and not learning.refit and hand_of(recorded) == hand
        table = recorded if reuse else stamp_round(weights_table(choose_weights(rated_pairs(connection, round_date), hand,
                                                                                learning), hand), round_date)
    first = table.iloc[0]
    check = dg.AssetCheckResult(check_name=CHOICE_CHECK[0], passed=True, severity=dg.AssetCheckSeverity.WARN,
                                metadata={"weights": str(first["source"]), "reason": str(first["reason"]),
                                          "recorded_weights_reused": bool(reuse)})
    return dg.MaterializeResult(
        value=table,
        metadata={"weights": str(first["source"]), "reason": str(first["reason"]), "rated_pairs": int(first["rated_pairs"]),
                  "recorded_weights_reused": bool(reuse),
                  "used": dg.MetadataValue.json(dict(zip(table["parameter"], table["weight"].astype(float))))},
        check_results=[schema_check(ScoreWeightsUsed, table), check],
    )
