"""The fairness report's checks: which figures warn, which fail, and at what thresholds."""

from typing import Literal, NamedTuple

import numpy as np
from pydantic import BaseModel, Field


class FairnessThresholds(BaseModel):
    """Thresholds of the fairness_report checks (launchpad config of fairness_report)."""

    score_p10_min: float = Field(
        0.5, ge=0, description="WARN when the 10th-percentile group score is below this (a tenth of the round met weakly)")
    popular_exposure_max: float = Field(
        1.0, ge=0, description="WARN when the most popular decile's share of final matches over its share of "
                               "candidate-list entries is above this (popular profiles over-exposed)")


class CheckOutcome(NamedTuple):
    """One check's verdict on the round: its name, whether it passed, its severity and why."""

    name: str
    passed: bool
    severity: Literal["WARN", "ERROR"]
    text: str


# (name, description) of every check, for the asset's check specs
CHECKS = (
    ("low_score_p10", "WARN when the 10th-percentile group score is below score_p10_min."),
    ("unmet_similar_role", "WARN when anyone who asked for a buddy in a similar role did not get their role."),
    ("popular_exposure", "WARN when popular_exposure_ratio is above popular_exposure_max."),
    ("repeat_pairs", "ERROR when two members meet again after an earlier round."),
)


def _above(value: float, limit: float) -> bool:
    return not np.isnan(value) and value > limit


def fairness_checks(metrics: dict[str, float], thresholds: FairnessThresholds) -> list[CheckOutcome]:
    """The verdicts, in CHECKS order; a figure that is NaN (nobody to measure) passes."""
    p10, unmet = metrics["score_p10"], metrics["similar_role_unmet"]
    exposure, repeats = metrics["popular_exposure_ratio"], metrics["repeat_pairs"]
    family = metrics.get("similar_role_family", 0.0)  # reports stored before the family fallback lack it
    return [
        CheckOutcome("low_score_p10", bool(np.isnan(p10) or p10 >= thresholds.score_p10_min), "WARN",
                     f"score_p10 {p10:.3f}, minimum {thresholds.score_p10_min}"),
        CheckOutcome("unmet_similar_role", unmet + family == 0, "WARN",
                     f"{unmet:.0f} of {metrics['similar_role_requested']:.0f} similar-role requests unmet, "
                     f"{family:.0f} met only by a role of the same family"),
        CheckOutcome("popular_exposure", not _above(exposure, thresholds.popular_exposure_max), "WARN",
                     f"popular_exposure_ratio {exposure:.3f}, maximum {thresholds.popular_exposure_max}"),
        CheckOutcome("repeat_pairs", repeats == 0, "ERROR", f"{repeats:.0f} pairs met in an earlier round"),
    ]
