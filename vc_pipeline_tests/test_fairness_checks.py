"""The fairness checks' thresholds, the trends table, the charts and the wish-threshold calibration."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from vc_pipeline.report.thresholds import CHECKS, FairnessThresholds, fairness_checks
from vc_pipeline.report.trends import side_by_side
from vc_pipeline.scoring.weights import ScoreWeights
from vc_pipeline.scoring.wish_calibration import best_threshold

GOOD = {"score_p10": 0.6, "similar_role_unmet": 0.0, "similar_role_requested": 4.0,
        "popular_exposure_ratio": 0.4, "repeat_pairs": 0.0}


def _verdicts(**changes) -> dict[str, tuple[bool, str]]:
    outcomes = fairness_checks({**GOOD, **changes}, FairnessThresholds())
    assert [o.name for o in outcomes] == [name for name, _ in CHECKS]
    return {o.name: (o.passed, o.severity) for o in outcomes}


def test_a_good_round_passes_every_check():
    assert all(passed for passed, _ in _verdicts().values())


@pytest.mark.parametrize("changes, failing, severity", [
    ({"score_p10": 0.49}, "low_score_p10", "WARN"),
    ({"similar_role_unmet": 1.0}, "unmet_similar_role", "WARN"),
    ({"popular_exposure_ratio": 1.01}, "popular_exposure", "WARN"),
    ({"repeat_pairs": 1.0}, "repeat_pairs", "ERROR"),
])
def test_each_check_fails_past_its_threshold_and_only_it(changes, failing, severity):
    verdicts = _verdicts(**changes)
    assert verdicts[failing] == (False, severity)
    assert all(passed for name, (passed, _) in verdicts.items() if name != failing)


def test_thresholds_are_settings():
    strict = FairnessThresholds(score_p10_min=0.7, popular_exposure_max=0.3)
    outcomes = {o.name: o for o in fairness_checks(GOOD, strict)}
    assert not outcomes["low_score_p10"].passed and not outcomes["popular_exposure"].passed
    assert "1 of 4" in fairness_checks({**GOOD, "similar_role_unmet": 1.0}, strict)[1].text


def test_nothing_to_measure_passes():
    verdicts = _verdicts(score_p10=np.nan, similar_role_requested=0.0, popular_exposure_ratio=np.nan)
    assert all(passed for passed, _ in verdicts.values())


def test_trends_put_rounds_side_by_side_with_the_latest_change():
    reports = pd.DataFrame({
        "round": [dt.date(2026, 10, 1)] * 2 + [dt.date(2026, 11, 1)] * 3,
        "metric": ["members", "score_p10", "members", "score_p10", "backups_used"],
        "value": [10.0, 0.5, 12.0, 0.45, 1.0],
    })
    wide = side_by_side(reports).set_index("metric")
    assert list(wide.columns) == ["2026-10-01", "2026-11-01", "change"]
    assert list(wide.index) == ["members", "score_p10", "backups_used"]  # the latest round's order
    assert wide.loc["members", "change"] == 2.0 and wide.loc["score_p10", "change"] == pytest.approx(-0.05)
    assert np.isnan(wide.loc["backups_used", "2026-10-01"]) and np.isnan(wide.loc["backups_used", "change"])


def test_best_threshold_maximizes_f1_on_hand_made_cosines():
    cosines = np.array([[0.9, 0.6, 0.5, 0.2], [0.45, 0.3, 0.1, 0.7]])
    labels = np.array([[True, True, False, False], [True, False, False, True]])
    # at 0.45: called .9 .6 .5 .45 .7 → 4 of 5 right, all 4 positives found: F1 = 8/9, the best
    result = best_threshold(cosines, labels, grid=np.array([0.2, 0.45, 0.55, 0.65]))
    assert result.threshold == 0.45 and result.f1 == pytest.approx(8 / 9)
    assert (result.precision, result.recall, result.positives, result.pairs) == (pytest.approx(0.8), 1.0, 4, 8)


@pytest.mark.slow
def test_committed_wish_threshold_is_the_calibrated_one():
    from vc_pipeline.scoring.wish_calibration import calibrate

    result = calibrate()
    assert ScoreWeights().wish_threshold == pytest.approx(result.threshold)
    assert result.f1 > 0.3 and result.positives > 1000  # a real separation on a sizeable labelled set


def test_charts_are_png_images():
    from vc_pipeline.report.charts import pair_counts, trend_chart

    counts = pair_counts(np.array(["a", "a", "b"]), np.array(["a", "b", "b"]), ["a", "b"])
    assert counts.tolist() == [[1, 1], [1, 1]]  # a+a once, a+b in both cells, b+b once
    reports = pd.DataFrame({"round": [dt.date(2026, 10, 1), dt.date(2026, 11, 1)],
                            "metric": ["score_median"] * 2, "value": [0.7, 0.72]})
    assert trend_chart(reports).startswith(b"\x89PNG\r\n\x1a\n")
