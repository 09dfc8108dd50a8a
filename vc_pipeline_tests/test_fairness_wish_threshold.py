"""fairness_report judges wishes with the threshold the round's score_matrix was scored with."""

import dagster as dg

from vc_pipeline.defs.fairness_report import scoring_wish_threshold
from vc_pipeline.scoring.weights import ScoreWeights


def scored(instance, round_key: str, weights: dict) -> None:
    instance.report_runless_asset_event(dg.AssetMaterialization(
        "score_matrix", partition=round_key, metadata={"weights": dg.MetadataValue.json(weights)}))


def test_the_report_follows_the_rounds_own_scoring():
    with dg.instance_for_test() as instance:
        assert scoring_wish_threshold(instance, "2026-10-01") == ScoreWeights().wish_threshold  # never scored
        scored(instance, "2026-10-01", {**ScoreWeights().model_dump(), "wish_threshold": 0.5})
        scored(instance, "2026-11-01", {**ScoreWeights().model_dump(), "wish_threshold": 0.3})
        assert scoring_wish_threshold(instance, "2026-10-01") == 0.5
        assert scoring_wish_threshold(instance, "2026-11-01") == 0.3
        scored(instance, "2026-10-01", {**ScoreWeights().model_dump(), "wish_threshold": 0.42})  # re-scored
        assert scoring_wish_threshold(instance, "2026-10-01") == 0.42
