"""Learned score weights: the fit, the held-out test, the choice, and rounds that keep their weights."""

import datetime as dt
import hashlib

import duckdb
import numpy as np
import pandas as pd
import pytest

from vc_pipeline.scoring.learning import FITS, LearningSettings, choose_weights, fit_weights, weights_table
from vc_pipeline.scoring.pair_scores import COMPONENTS
from vc_pipeline.scoring.weights import ScoreWeights

HAND = ScoreWeights()
HAND_VECTOR = np.array([getattr(HAND, c) for c in COMPONENTS])
# what members "really" value: skills and stage far more than the hand weights say
HIDDEN = np.array([0.05, 0.45, 0.05, 0.35, 0.10, 0.0])


def _rated(hidden: np.ndarray, rounds: int, per_round: int, noise: float = 0.3, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(rounds):
        fits = rng.uniform(0, 1, size=(per_round, len(COMPONENTS)))
        utility = fits @ (hidden / hidden.sum())
        ratings = np.clip(np.round(1 + 8 * (utility - 0.25) + rng.normal(0, noise, per_round)), 1, 5)
        frames.append(pd.DataFrame(fits, columns=FITS).assign(round=dt.date(2026, k + 1, 1), rating=ratings))
    return pd.concat(frames, ignore_index=True)


def _share(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


def test_with_much_data_the_fit_moves_toward_the_hidden_weights_and_keeps_the_total():
    rated = _rated(HIDDEN, rounds=1, per_round=3000)
    learned = fit_weights(rated[FITS].to_numpy(), rated["rating"].to_numpy(), HAND_VECTOR, prior_pairs=100)
    assert learned.sum() == pytest.approx(HAND_VECTOR.sum()) and (learned >= 0).all()
    assert np.abs(_share(learned) - _share(HIDDEN)).sum() < 0.5 * np.abs(_share(HAND_VECTOR) - _share(HIDDEN)).sum()


def test_a_little_data_changes_little_and_a_strong_prior_changes_nothing():
    rated = _rated(HIDDEN, rounds=1, per_round=15)
    little = fit_weights(rated[FITS].to_numpy(), rated["rating"].to_numpy(), HAND_VECTOR, prior_pairs=100)
    much = fit_weights(*(_rated(HIDDEN, 1, 3000)[c].to_numpy() for c in (FITS, "rating")), HAND_VECTOR, prior_pairs=100)
    assert np.abs(little - HAND_VECTOR).sum() < np.abs(much - HAND_VECTOR).sum() / 2
    stubborn = fit_weights(rated[FITS].to_numpy(), rated["rating"].to_numpy(), HAND_VECTOR, prior_pairs=1e9)
    assert stubborn == pytest.approx(HAND_VECTOR, abs=1e-4)


def test_learned_weights_are_used_only_with_enough_data_from_two_rounds_and_a_held_out_win():
    settings = LearningSettings()
    few = choose_weights(_rated(HIDDEN, rounds=3, per_round=20), HAND, settings)
    assert few.source == "hand" and few.used == HAND and "60 rated pairs from 3 earlier rounds" in few.reason
    one_round = choose_weights(_rated(HIDDEN, rounds=1, per_round=500), HAND, settings)
    assert one_round.source == "hand" and "at least 2" in one_round.reason
    off = choose_weights(_rated(HIDDEN, rounds=4, per_round=100), HAND, settings.model_copy(update={"learn": False}))
    assert off.source == "hand" and off.reason == "learning is off"

    chosen = choose_weights(_rated(HIDDEN, rounds=4, per_round=100), HAND, settings)
    assert chosen.source == "learned" and chosen.reason.startswith("learned weights win: held out over 4 rounds")
    assert chosen.heldout["spearman_learned"] > chosen.heldout["spearman_hand"]
    assert chosen.used.wish_threshold == HAND.wish_threshold  # only the components are learned
    table = weights_table(chosen, HAND)
    assert list(table["parameter"]) == list(ScoreWeights.model_fields) and set(table["source"]) == {"learned"}
    assert np.isnan(table.set_index("parameter").loc["wish_threshold", "learned"])


def test_when_members_value_what_the_hand_weights_say_learning_changes_nothing_beyond_noise():
    chosen = choose_weights(_rated(HAND_VECTOR, rounds=4, per_round=100), HAND, LearningSettings())
    learned = np.array([chosen.learned[c] for c in COMPONENTS])
    assert np.abs(_share(learned) - _share(HAND_VECTOR)).max() < 0.08


def _hashes(database, table: str) -> dict:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(f"SELECT * FROM vc.{table} ORDER BY ALL").fetchdf()
    return {str(day): hashlib.md5(group.drop(columns="round").to_csv(index=False).encode()).hexdigest()
            for day, group in rows.groupby("round")}


@pytest.mark.slow
def test_re_materializing_earlier_rounds_after_later_feedback_keeps_their_pairings_byte_identical(tmp_path):
    from vc_pipeline.sample.generate import feedback_export, generate_rounds, write_rounds
    from vc_pipeline_tests.conftest import materialize_round
    from vc_pipeline_tests.test_small_rounds import _feasible

    days = [dt.date(2026, m, 1) for m in (5, 6, 7)]
    exports = {d: _feasible(e) for d, e in generate_rounds(days, [14, 14, 14], seed=51, duplicates=0).items()}
    write_rounds(tmp_path / "surveys", exports)
    database = tmp_path / "rounds.duckdb"
    # each round is paired once its predecessors' feedback is in, as it happens month by month
    for k, day in enumerate(days):
        materialize_round(f"{day:%Y-%m-%d}", database, tmp_path / "surveys", mode="passthrough")
        if k < len(days) - 1:
            write_rounds(tmp_path / "surveys" / "feedback", {day: feedback_export(exports[day], seed=k, response_rate=0.9)})
            materialize_round(f"{day:%Y-%m-%d}", database, tmp_path / "surveys", mode="passthrough")
    pairings, weights = _hashes(database, "ilp_pairing"), _hashes(database, "score_weights")
    with duckdb.connect(str(database), read_only=True) as connection:
        recorded = connection.execute("SELECT round, rated_pairs, reason FROM vc.score_weights "
                                      "WHERE parameter = 'skills' ORDER BY round").fetchall()
    assert [r[1] for r in recorded][0] == 0 and recorded[2][1] > recorded[1][1] > 0  # as of: earlier rounds only
    # the last round's feedback arrives; every round is materialized again
    write_rounds(tmp_path / "surveys" / "feedback", {days[-1]: feedback_export(exports[days[-1]], seed=9, response_rate=0.9)})
    for day in days:
        materialize_round(f"{day:%Y-%m-%d}", database, tmp_path / "surveys", mode="passthrough")
    assert _hashes(database, "ilp_pairing") == pairings and _hashes(database, "score_weights") == weights
