"""Distribution drift between a round's respondents and its members (total variation distance)."""

import datetime as dt

import pandas as pd
import pytest

from vc_pipeline.members.build import NoiseRates, build_members
from vc_pipeline.members.drift import DRIFT_LIMIT, distribution_drift
from vc_pipeline.survey.latest import latest_submissions
from vc_pipeline.survey.reader import read_survey
from vc_pipeline_tests.conftest import SAMPLE_DIR

KEYS = {"role_tvd", "career_stage_tvd", "region_tvd"}


def frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["role", "career_stage", "location"])


@pytest.fixture(scope="module")
def sample_round():
    raw = read_survey(SAMPLE_DIR / "2026-10-01.csv", dt.date(2026, 10, 1))
    respondents = latest_submissions(raw)  # the people members are drawn from
    return raw, respondents


def test_identical_frames_do_not_drift():
    rows = frame([("ML Engineer", "1-3 Years", "Berlin, Germany"), ("Founder", "10+ Years", "Pune, India"),
                  ("mystery title", "", "somewhere")])
    assert distribution_drift(rows, rows.copy()) == {key: 0.0 for key in KEYS}


def test_empty_inputs_give_zero():
    empty = frame([])
    some = frame([("Founder", "10+ Years", "Pune, India")])
    assert distribution_drift(empty, empty) == {key: 0.0 for key in KEYS}
    assert distribution_drift(empty, some) == distribution_drift(some, empty) == {key: 0.0 for key in KEYS}


def test_hand_computed_distances():
    respondents = frame([
        ("ML Engineer", "1-3 Years", "Berlin, Germany"),
        ("ML Engineer", "1-3 Years", "Berlin, Germany"),
        ("Data Scientist", "5-10 Years", "Austin, TX"),
        ("Data Scientist", "", "Austin, TX"),
    ])
    members = frame([
        ("Machine Learning Engineer", "1-3 Years", "Berlin, Germany"),  # another title, same role
        ("AI Engineer", "3-5 Years", "Nairobi, Kenya"),
        ("MLOps Engineer", "not sure", "Paris, France"),
        ("ML Engineer", "1-3 Years", "Toronto, Canada"),
    ])
    drift = distribution_drift(respondents, members)
    # roles: {MLE 1/2, DS 1/2} vs {MLE 1}: 0.5 × (|1/2 − 1| + |1/2 − 0|) = 0.5
    assert drift["role_tvd"] == pytest.approx(0.5)
    # stages: {3: 1/2, 5: 1/4, Unknown: 1/4} vs {3: 1/2, 4: 1/4, Unknown: 1/4}
    #   0.5 × (0 + 1/4 + 1/4 + 0) = 0.25
    assert drift["career_stage_tvd"] == pytest.approx(0.25)
    # regions: {Europe 1/2, North America 1/2} vs {Europe 1/2, Africa 1/4, North America 1/4}
    #   0.5 × (0 + 1/4 + 1/4) = 0.25
    assert drift["region_tvd"] == pytest.approx(0.25)


def test_disjoint_categories_are_maximally_apart():
    respondents = frame([("Student", "Undergrad/New Grad", "Tokyo, Japan"), ("Founder", "10+ Years", "Lagos")])
    members = frame([("Data Engineer", "3-5 Years", "Lima, Peru"), ("CTO", "", "no idea")])
    assert distribution_drift(respondents, members) == {key: pytest.approx(1.0) for key in KEYS}


def test_unrecognised_roles_count_as_other_and_unknown_stage_as_its_own_category():
    respondents = frame([("Other", "", ""), ("Technical Writer", "5-10 Years", "")])
    members = frame([("quantum wrangler", "", ""), ("Other", "5-10 Years", "")])
    drift = distribution_drift(respondents, members)
    assert drift["role_tvd"] == 0.0 and drift["career_stage_tvd"] == 0.0 and drift["region_tvd"] == 0.0
    # Unknown stage vs a known stage is a real difference, not dropped
    assert distribution_drift(frame([("Other", "", "")]), frame([("Other", "1-3 Years", "")]))[
        "career_stage_tvd"] == pytest.approx(1.0)


def test_passthrough_members_do_not_drift(sample_round):
    raw, respondents = sample_round
    members = build_members(raw, "passthrough", "k").table
    assert distribution_drift(respondents, members) == {key: 0.0 for key in KEYS}


def test_synthetic_members_stay_within_the_drift_limit(sample_round):
    raw, respondents = sample_round
    drift = distribution_drift(respondents, build_members(raw, "synthetic", "k").table)
    assert set(drift) == KEYS
    assert all(0.0 <= value < DRIFT_LIMIT for value in drift.values()), drift


def test_more_location_noise_drifts_regions_further(sample_round):
    raw, respondents = sample_round
    default = distribution_drift(respondents, build_members(raw, "synthetic", "k").table)
    full = NoiseRates(location=1.0, career_stage=1.0, role_title=1.0)
    noisy = distribution_drift(respondents, build_members(raw, "synthetic", "k", full).table)
    assert noisy["region_tvd"] > default["region_tvd"]
    # a new title for the same role never changes the taxonomy role
    assert noisy["role_tvd"] == pytest.approx(default["role_tvd"])
