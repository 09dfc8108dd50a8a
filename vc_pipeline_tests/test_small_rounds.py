"""Small generated rounds through the whole graph: brute-force optimum, broken input, reruns."""

import datetime as dt

import dagster as dg
import duckdb
import pandas as pd
import pytest

from vc_pipeline.history.pairs import earlier_pairs
from vc_pipeline.profile.taxonomy import map_role, wants_similar_role
from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline_tests.conftest import (
    best_total_brute_force,
    group_total,
    materialize_round,
    objective_problem,
    round_assets,
    round_resources,
    stored_round,
)

# small rounds through the whole Dagster pipeline
pytestmark = pytest.mark.slow

ROUNDS = [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
ROLE_HEADER = "Which option best represents your role?"
PREFERENCE_HEADER = "Do you have a preference on who your buddy should be?"


def _feasible(export: pd.DataFrame) -> pd.DataFrame:
    """At most one similar-role request per role, and only where two more members share that role,
    so a tiny round stays feasible even after one of them was met in an earlier round."""
    export = export.copy()
    roles = export[ROLE_HEADER].map(map_role)
    counts, granted = roles.value_counts(), set()
    for index in export.index:
        if not wants_similar_role(export.at[index, PREFERENCE_HEADER]):
            continue
        if counts[roles[index]] >= 3 and roles[index] not in granted:
            granted.add(roles[index])
        else:
            export.at[index, PREFERENCE_HEADER] = "No preference"
    return export


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    exports = generate_rounds(ROUNDS, [9, 10], seed=11, duplicates=0)
    write_rounds(folder / "surveys", {d: _feasible(t) for d, t in exports.items()})
    database = folder / "rounds.duckdb"
    for day in ROUNDS:
        materialize_round(f"{day:%Y-%m-%d}", database, folder / "surveys", mode="passthrough")
    return folder, database


@pytest.mark.parametrize("day", ROUNDS)
def test_ilp_total_equals_brute_force_best(small_store, day):
    _, database = small_store
    stored = stored_round(database, day)
    scores, forbidden, groups = objective_problem(stored)
    assert group_total(scores, groups) == pytest.approx(best_total_brute_force(scores, forbidden), abs=1e-9)
    assert (stored["pairing"]["kind"] == "bye").sum() == len(scores) % 2


def test_second_round_had_history_to_respect(small_store):
    _, database = small_store
    with duckdb.connect(str(database), read_only=True) as connection:
        assert len(earlier_pairs(connection, ROUNDS[1])) >= 3
        assert earlier_pairs(connection, ROUNDS[0]) == set()


def test_rerunning_a_round_replaces_it_and_keeps_the_others(small_store):
    folder, database = small_store

    def snapshot():
        with duckdb.connect(str(database), read_only=True) as connection:
            return connection.execute(
                'SELECT round, count(*), sum(hash(member_id || kind)) FROM vc.ilp_pairing GROUP BY round ORDER BY round'
            ).fetchall()

    before = snapshot()
    materialize_round(f"{ROUNDS[1]:%Y-%m-%d}", database, folder / "surveys", mode="passthrough")
    assert snapshot() == before


def test_a_broken_column_fails_the_blocking_check_and_stops_downstream(tmp_path):
    exports = generate_rounds([dt.date(2026, 3, 1)], [12], seed=5)
    broken = exports[dt.date(2026, 3, 1)].copy()
    broken.loc[[2, 7], "Your email address"] = "not an address"
    write_rounds(tmp_path / "surveys", {dt.date(2026, 3, 1): broken})
    instance = dg.DagsterInstance.ephemeral()
    result = materialize_round("2026-03-01", tmp_path / "rounds.duckdb", tmp_path / "surveys", instance=instance,
                               raise_on_error=False)
    assert not result.success
    (check,) = result.get_asset_check_evaluations()
    assert check.asset_key.to_user_string() == "raw_survey" and not check.passed
    failures = check.metadata["failures"].value
    assert "email" in failures and "is an email address" in failures and "| 2 |" in failures
    assert "3, 8" in failures  # file rows named, counting from the first response
    assert "not an address" not in failures  # no cell values in check metadata
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"raw_survey"}


def test_a_missing_survey_file_fails_naming_the_file(tmp_path):
    (tmp_path / "surveys").mkdir()
    result = materialize_round("2026-03-01", tmp_path / "rounds.duckdb", tmp_path / "surveys", raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    description = failure.step_failure_data.user_failure_data.description
    assert "2026-03-01.csv" in description and "no survey export" in description


def test_a_missing_column_fails_naming_the_column(tmp_path):
    exports = generate_rounds([dt.date(2026, 3, 1)], [6], seed=5)
    write_rounds(tmp_path / "surveys", {d: t.drop(columns=[ROLE_HEADER]) for d, t in exports.items()})
    result = materialize_round("2026-03-01", tmp_path / "rounds.duckdb", tmp_path / "surveys", raise_on_error=False)
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert ROLE_HEADER in failure.step_failure_data.user_failure_data.description


def test_an_unmeetable_request_warns_names_the_member_and_keeps_the_round_going(tmp_path):
    exports = generate_rounds([dt.date(2026, 3, 1)], [10], seed=5, duplicates=0)
    export = _feasible(exports[dt.date(2026, 3, 1)])
    roles = export[ROLE_HEADER].map(map_role)
    lonely = roles.map(roles.value_counts()) == 1
    assert lonely.any()
    export.loc[lonely.idxmax(), PREFERENCE_HEADER] = "Buddy in a similar role"
    write_rounds(tmp_path / "surveys", {dt.date(2026, 3, 1): export})
    result = materialize_round("2026-03-01", tmp_path / "rounds.duckdb", tmp_path / "surveys", mode="passthrough")
    checks = {c.check_name: c for c in result.get_asset_check_evaluations() if c.asset_key.to_user_string() == "ilp_pairing"}
    warning = checks["hard_constraints"]
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert "asked for a similar role" in warning.metadata["violations"].value
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "fairness_report" in materialized


def test_pairing_while_an_earlier_round_is_unpaired_warns_naming_that_round(tmp_path):
    exports = generate_rounds(ROUNDS, [8, 8], seed=3, duplicates=0)
    write_rounds(tmp_path / "surveys", {day: _feasible(export) for day, export in exports.items()})
    database, surveys = tmp_path / "rounds.duckdb", tmp_path / "surveys"
    first, second = (f"{day:%Y-%m-%d}" for day in ROUNDS)
    members_only = dg.AssetSelection.assets("normalized_members").upstream()
    assert dg.materialize(round_assets(), partition_key=first, selection=members_only,
                          resources=round_resources(database, surveys, "passthrough")).success

    def history_check(key):
        result = materialize_round(key, database, surveys, mode="passthrough")
        (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "earlier_rounds_paired"]
        return check

    early = history_check(second)  # the first round has members but no pairing yet
    assert not early.passed and early.severity == dg.AssetCheckSeverity.WARN
    assert first in early.metadata["unpaired_earlier_rounds"].value
    history_check(first)
    assert history_check(second).passed  # paired in order, the history is whole
