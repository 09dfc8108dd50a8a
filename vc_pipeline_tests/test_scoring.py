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


def random_round(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n members with random unit vectors, roles, stages and places (some unknown), some without a wish."""
    from vc_pipeline.survey.form import ROLES

    rng = np.random.default_rng(seed)
    unit = (lambda x: (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32))
    members = pd.DataFrame({
        "round": dt.date(2026, 1, 1), "member_id": [f"{i:016x}" for i in range(n)], "has_wish": rng.random(n) < 0.7,
        "wants_similar_role": rng.random(n) < 0.2, "role": rng.choice(ROLES, n), "career_stage": rng.integers(1, 6, n),
        "utc_offset": np.where(rng.random(n) < 0.1, np.nan, rng.integers(-8, 10, n).astype(float))})
    embeddings = pd.DataFrame({"member_id": members["member_id"], "profile": list(unit(rng.normal(size=(n, 384)))),
                               "wish": list(unit(rng.normal(size=(n, 384))))})
    return members, embeddings


@pytest.fixture(scope="module")
def big_round():
    from vc_pipeline.scoring.pair_scores import RoundScorer

    members, embeddings = random_round(1300)  # more than one block of rows
    return members, embeddings, RoundScorer.of(members, embeddings)


def test_the_block_scorer_gives_one_symmetric_matrix_whatever_the_block(big_round):
    _, _, scorer = big_round
    matrix = scorer.matrix()
    assert np.array_equal(matrix, matrix.T) and not np.diag(matrix).any()
    rows, cols = np.array([3, 1200, 17]), np.array([1299, 0, 640, 5])
    assert np.allclose(scorer.scores(rows, cols), matrix[np.ix_(rows, cols)], atol=1e-12)
    assert np.allclose(scorer.scores(cols, rows), matrix[np.ix_(cols, rows)], atol=1e-12)


def test_the_full_table_holds_every_pair_with_the_matrixs_scores(big_round):
    from vc_pipeline.scoring.pair_scores import score_table

    members, _, scorer = big_round
    table = score_table(scorer, dt.date(2026, 1, 1))
    assert len(table) == 1300 * 1299 // 2 and (table["member_a"] < table["member_b"]).all()
    index = pd.Index(members["member_id"])
    a, b = index.get_indexer(table["member_a"]), index.get_indexer(table["member_b"])
    assert np.array_equal(table["score"].to_numpy(), scorer.matrix()[a, b])


def test_above_the_size_each_member_keeps_its_best_partners_and_reruns_store_the_same_rows(big_round):
    from vc_pipeline.scoring.pair_scores import ScoreTableSettings, score_pairs

    members, embeddings, scorer = big_round
    settings = ScoreTableSettings(full_table_up_to=1000, best_partners=7)
    table = score_pairs(members, embeddings, settings=settings)
    matrix = scorer.matrix()
    index = pd.Index(members["member_id"])
    a, b = index.get_indexer(table["member_a"]), index.get_indexer(table["member_b"])
    assert len(table) < 1300 * 7 and len(table) == len(set(zip(a, b))) and (a < b).all()
    assert np.allclose(table["score"].to_numpy(), matrix[a, b], rtol=0, atol=1e-12)  # a dot product per pair
    stored = {(i, j) for i, j in zip(a, b)} | {(j, i) for i, j in zip(a, b)}
    for i in (0, 650, 1299):
        ranked = np.argsort(-np.where(np.arange(1300) == i, -np.inf, matrix[i]), kind="stable")[:7]
        assert all((i, int(j)) in stored for j in ranked)
    components = table[list(COMPONENTS)].to_numpy()
    assert ((components >= 0) & (components <= 1)).all()
    assert score_pairs(members.sample(frac=1, random_state=1), embeddings, settings=settings).equals(table)
