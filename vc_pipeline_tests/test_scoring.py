"""Pair scores: components in range, weights in the organizers' order, wishes that count."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from vc_pipeline.embedding.profiles import embed_members
from vc_pipeline.scoring.components import location_matrix, role_affinity
from vc_pipeline.scoring.pair_scores import COMPONENTS, score_pairs
from vc_pipeline.scoring.weights import ScoreWeights


def member(i, role, stage, offset, summary, skills, wish="", similar=False):
    return {"round": dt.date(2026, 1, 1), "member_id": f"{i:016x}", "display_name": f"M{i}", "role": role,
            "role_recognised": True, "career_stage": stage, "career_stage_known": True, "region": "Europe",
            "utc_offset": offset, "wants_similar_role": similar, "summary": summary, "skills": skills,
            "buddy_preferences": wish, "has_wish": bool(wish)}


@pytest.fixture(scope="module")
def crafted():
    members = pd.DataFrame([
        member(0, "Data Scientist", 4, 1.0, "Data scientist building churn models", "Python, SQL",
               wish="Someone who runs Kubernetes clusters for model serving"),
        member(1, "ML Engineer", 4, 1.0, "Platform engineer running Kubernetes clusters for model serving",
               "Kubernetes, Docker"),
        member(2, "Data Scientist", 4, 1.0, "Data scientist building churn models", "Python, SQL"),
        member(3, "Founder", 1, -8.0, "Pastry chef opening a bakery", "baking"),
    ])
    return members, score_pairs(members, embed_members(members))


def lookup(scores, a, b):
    row = scores[(scores.member_a == f"{min(a, b):016x}") & (scores.member_b == f"{max(a, b):016x}")]
    return row.iloc[0]


def test_every_unordered_pair_once_with_components_in_range(crafted):
    _, scores = crafted
    assert len(scores) == 6 and (scores.member_a < scores.member_b).all()
    for name in COMPONENTS:
        assert scores[name].between(0, 1).all()


def test_score_is_the_weighted_sum_of_components(crafted):
    _, scores = crafted
    weights = ScoreWeights()
    expected = sum(getattr(weights, c) * scores[c] for c in COMPONENTS)
    np.testing.assert_allclose(scores["score"], expected)


def test_a_met_wish_outweighs_a_twin_profile(crafted):
    """Preferences come first: 0 wants what 1 does, though 2 is 0's look-alike."""
    _, scores = crafted
    assert lookup(scores, 0, 1)["preference"] > lookup(scores, 0, 2)["preference"]
    assert lookup(scores, 0, 1)["preference_met"] == 1.0
    assert lookup(scores, 0, 2)["skills"] > lookup(scores, 0, 1)["skills"]
    assert lookup(scores, 0, 1)["score"] > lookup(scores, 0, 2)["score"]


def test_unrelated_far_away_member_scores_lowest(crafted):
    _, scores = crafted
    far = scores[(scores.member_a == f"{3:016x}") | (scores.member_b == f"{3:016x}")]
    assert far["score"].max() < scores.drop(far.index)["score"].min()


def test_weights_change_the_ranking():
    members = pd.DataFrame([
        member(0, "Data Scientist", 4, 1.0, "", "", wish="a baker"),
        member(1, "Data Scientist", 4, 1.0, "", ""),
        member(2, "Founder", 4, 1.0, "Baker and pastry chef", "baking"),
    ])
    vectors = embed_members(members)
    by_role = score_pairs(members, vectors, ScoreWeights(preference=0, preference_met=0, role=1))
    by_wish = score_pairs(members, vectors, ScoreWeights(preference=1, preference_met=1, role=0))
    assert lookup(by_role, 0, 1)["score"] > lookup(by_role, 0, 2)["score"]
    assert lookup(by_wish, 0, 2)["score"] > lookup(by_wish, 0, 1)["score"]


def test_default_weights_follow_the_organizers_priority():
    w = ScoreWeights()
    assert w.preference > w.skills > w.role > w.experience > w.location > 0


def test_role_affinity_and_time_zones():
    assert role_affinity("ML Engineer", "ML Engineer") == 1.0
    assert role_affinity("ML Engineer", "Data Engineer") == 0.6
    assert role_affinity("Other", "Other") < 1.0
    closeness = location_matrix(np.array([1.0, -8.0, 11.0, np.nan]))
    assert closeness[0, 0] == 1.0 and closeness[0, 1] == pytest.approx(0.25)
    assert closeness[1, 2] == pytest.approx(1 - 5 / 12)  # across the date line
    assert closeness[0, 3] == 0.5
