"""The whole graph on both sample rounds: every invariant of a paired round holds."""

import itertools

import duckdb
import numpy as np
import pandas as pd
import pytest

from vc_pipeline.report.thresholds import CHECKS as FAIRNESS_CHECKS
from vc_pipeline_tests.conftest import SAMPLE_ROUNDS, group_total, objective_problem, round_date, stored_round

# reads the sample rounds materialized through Dagster
pytestmark = pytest.mark.slow

ASSETS = ("raw_survey", "synthetic_members", "normalized_members", "embeddings", "score_weights", "score_matrix",
          "ilp_pairing", "round_intros", "raw_feedback", "round_feedback", "fairness_report")


def table(store, name: str, key: str | None = None) -> pd.DataFrame:
    with duckdb.connect(str(store["database"]), read_only=True) as connection:
        rows = connection.execute(f'SELECT * FROM vc."{name}"').fetchdf()
    return rows if key is None else rows[pd.to_datetime(rows["round"]).dt.date == round_date(key)]


def test_every_asset_and_check_succeeds_for_both_rounds(sample_store):
    for result in sample_store["results"]:
        assert result.success
        materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
        assert materialized == set(ASSETS) | {"organizer_export", "final_pairing", "fairness_trends"}
        checks = result.get_asset_check_evaluations()
        names = {(c.asset_key.to_user_string(), c.check_name) for c in checks}
        pairing_checks = ("hard_constraints", "earlier_rounds_paired", "fresh_partners", "reliability")
        assert names == ({(a, "schema") for a in (*ASSETS, "final_pairing")} | {("ilp_pairing", name) for name in pairing_checks}
                         | {("synthetic_members", "distribution_drift"), ("score_weights", "weights_choice")}
                         | {("fairness_report", name) for name, _ in FAIRNESS_CHECKS})
        assert all(c.passed for c in checks)


def test_each_table_holds_each_round_once_with_a_date_round_column(sample_store):
    with duckdb.connect(str(sample_store["database"]), read_only=True) as connection:
        for name in ASSETS:
            kinds = dict(connection.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema='vc' "
                "AND table_name=?", [name]).fetchall())
            assert kinds["round"] == "DATE"
            rounds = {r for (r,) in connection.execute(f'SELECT DISTINCT round FROM vc."{name}"').fetchall()}
            # the sample has feedback for its first round only: the second round's coffees are ahead
            expected = SAMPLE_ROUNDS[:1] if name in ("raw_feedback", "round_feedback") else SAMPLE_ROUNDS
            assert rounds == {round_date(k) for k in expected}, name


@pytest.mark.parametrize("key", SAMPLE_ROUNDS)
def test_every_member_is_in_exactly_one_group(sample_store, key):
    members = table(sample_store, "normalized_members", key)
    pairing = table(sample_store, "ilp_pairing", key)
    assert sorted(pairing["member_id"]) == sorted(members["member_id"])
    sizes = pairing.groupby("group_id").size()
    assert set(sizes) <= {1, 2}
    partners = pairing.dropna(subset=["partner_id"]).set_index("member_id")["partner_id"]
    assert all(partners[partners[m]] == m for m in partners.index)


@pytest.mark.parametrize("key", SAMPLE_ROUNDS)
def test_exactly_one_bye_when_the_count_is_odd(sample_store, key):
    pairing = table(sample_store, "ilp_pairing", key)
    assert (pairing["kind"] == "bye").sum() == len(pairing) % 2


def test_the_first_sample_round_is_odd_and_the_second_carries_registered_members_over(sample_store):
    first = table(sample_store, "ilp_pairing", SAMPLE_ROUNDS[0])
    assert len(first) % 2 == 1
    raw = table(sample_store, "raw_survey", SAMPLE_ROUNDS[1])
    carried = raw[raw["carried_over"]]
    earlier = table(sample_store, "raw_survey", SAMPLE_ROUNDS[0])
    stayed = set(earlier.loc[earlier["keep_registered"] == "Yes", "email"]) - set(raw.loc[~raw["carried_over"], "email"])
    assert len(carried) > 10 and set(carried["email"]) == stayed


def test_round_two_repeats_no_pair_that_met_in_round_one(sample_store):
    # who really met in round one: its final pairing (the feedback reported some no-shows)
    first, second = table(sample_store, "final_pairing", SAMPLE_ROUNDS[0]), table(sample_store, "ilp_pairing", SAMPLE_ROUNDS[1])

    def pairs(p):
        return {frozenset(g) for g in p[p["kind"] == "pair"].groupby("group_id")["member_id"].apply(tuple)}

    returning = set(first["member_id"]) & set(second["member_id"])
    assert len(returning) > 50  # the constraint had real work to do
    assert (first["kind"] == "no_show").any()
    assert not pairs(first) & pairs(second)


@pytest.mark.parametrize("key", SAMPLE_ROUNDS)
def test_every_similar_role_request_is_met(sample_store, key):
    members = table(sample_store, "normalized_members", key).set_index("member_id")
    pairing = table(sample_store, "ilp_pairing", key).set_index("member_id")
    asked = members.index[members["wants_similar_role"]]
    assert len(asked) > 10
    for member in asked:
        partner = pairing.loc[member, "partner_id"]
        assert pd.notna(partner) and members.loc[partner, "role"] == members.loc[member, "role"]


@pytest.mark.parametrize("key", SAMPLE_ROUNDS)
def test_fairness_report_matches_the_pairing(sample_store, key):
    report = table(sample_store, "fairness_report", key).set_index("metric")["value"]
    pairing = table(sample_store, "ilp_pairing", key)
    scores = pairing[pairing["kind"] == "pair"].drop_duplicates("group_id")["score"]
    assert report["pairs"] == len(scores)
    assert report["byes"] == (pairing["kind"] == "bye").sum()
    assert report["repeat_pairs"] == 0
    assert report["similar_role_satisfied_share"] == 1.0
    assert report["score_median"] == pytest.approx(np.median(scores))
    assert report["score_p10"] == pytest.approx(np.quantile(scores, 0.1))


@pytest.mark.parametrize("key", SAMPLE_ROUNDS)
def test_score_matrix_has_every_pair_once(sample_store, key):
    members = table(sample_store, "normalized_members", key)
    scores = table(sample_store, "score_matrix", key)
    n = len(members)
    assert len(scores) == n * (n - 1) // 2
    assert set(scores["member_a"]) | set(scores["member_b"]) == set(members["member_id"])


def test_members_are_one_per_person_and_stable_across_rounds(sample_store):
    raw = [table(sample_store, "raw_survey", k) for k in SAMPLE_ROUNDS]
    people = [r["email"].str.casefold().nunique() for r in raw]
    members = [table(sample_store, "synthetic_members", k) for k in SAMPLE_ROUNDS]
    assert [len(m) for m in members] == people
    # a returning person's synthetic members keep their ids, so history carries over
    overlap = len(set(members[0]["member_id"]) & set(members[1]["member_id"]))
    assert overlap >= 0.5 * len(members[0])


@pytest.mark.parametrize("key", SAMPLE_ROUNDS)
def test_the_pairing_is_the_best_under_the_constraints(sample_store, key):
    """Against an exact optimum of the same objective over the same allowed graph (networkx blossom)."""
    import networkx as nx

    stored = stored_round(sample_store["database"], round_date(key))
    scores, forbidden, groups = objective_problem(stored)
    graph = nx.Graph()
    for i, j in itertools.combinations(range(len(scores)), 2):
        if (i, j) not in forbidden:
            graph.add_edge(i, j, weight=scores[i, j])
    if len(scores) % 2:  # the bye is a partner worth 0, open to whoever may sit out (rotation, no request)
        members = stored["members"]
        allowed = ~members["member_id"].isin(stored["history"].recent_byes).to_numpy()
        asked = members["wants_similar_role"].to_numpy(bool)
        allowed &= ~asked if (allowed & ~asked).any() else True
        graph.add_edges_from((int(i), "bye", {"weight": 0.0}) for i in np.flatnonzero(allowed))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    best = sum(scores[i, j] for i, j in matching if "bye" not in (i, j))
    assert group_total(scores, groups) == pytest.approx(best, rel=1e-9)


@pytest.mark.parametrize("key", SAMPLE_ROUNDS)
def test_every_member_has_two_backups_allowed_by_the_rules(sample_store, key):
    stored = stored_round(sample_store["database"], round_date(key))
    pairing = stored["pairing"].set_index("member_id")
    _, forbidden, _ = objective_problem(stored)
    index = {m: i for i, m in enumerate(stored["members"]["member_id"])}
    assert pairing["backup_1"].notna().all() and pairing["backup_2"].notna().all()
    for member, row in pairing.iterrows():
        for backup in (row["backup_1"], row["backup_2"]):
            assert backup != member and backup not in (row["partner_id"] or "")
            assert tuple(sorted((index[member], index[backup]))) not in forbidden


def test_assets_carry_schema_preview_and_eda_metadata_without_raw_rows(sample_store):
    events = {e.asset_key.to_user_string(): e.materialization.metadata
              for e in sample_store["results"][0].get_asset_materialization_events()}
    for name in ASSETS:
        columns = [c.name for c in events[name]["dagster/column_schema"].value.columns]
        assert "round" in columns
        assert events[name]["dagster/partition_row_count"].value > 0
    assert "preview" not in events["raw_survey"]  # the PII table never shows rows
    assert "| member_id |" in events["ilp_pairing"]["preview"].value or "member_id" in events["ilp_pairing"]["preview"].value
    for name, key in (("raw_survey", "roles"), ("raw_survey", "blank_answers"), ("normalized_members", "regions")):
        assert events[name][key].value.startswith("|")
    assert "ML Engineer" in events["normalized_members"]["roles"].value
    trends = events["fairness_trends"]
    assert [c.name for c in trends["dagster/column_schema"].value.columns][0] == "metric"
    assert trends["dagster/row_count"].value > 10 and trends["trends"].value.startswith("|")
