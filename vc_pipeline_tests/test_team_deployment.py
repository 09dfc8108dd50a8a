"""The team deployment: Dagster's run and event storage on a real PostgreSQL server (the test
starts its own), the queued run coordinator and the `duckdb` pool. Two rounds queued at once
through the GraphQL API (each run the round's first assets) run one at a time, and their checks
and lineage are recorded in PostgreSQL."""

import datetime as dt

import dagster as dg
import pytest

from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline_tests.conftest import TEST_KEY
from vc_pipeline_tests.dagster_ui import dagster_dev, graphql
from vc_pipeline_tests.postgres_server import postgres_server
from vc_pipeline_tests.store_checks import REPO
from vc_pipeline_tests.test_load import FINISHED, LAUNCH, _wait_for_status

pytestmark = pytest.mark.load

INSTANCE = REPO / "docs" / "deploy" / "dagster-postgres.yaml"
DAYS = [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]
RUN_TIMES = "query($id: ID!) { runOrError(runId: $id) { ... on Run { status startTime endTime } } }"
# the round's first assets: enough for runs, checks and lineage, without loading the sentence model
FIRST_ASSETS = ("raw_survey", "synthetic_members", "normalized_members")


def test_two_rounds_queued_at_once_run_one_at_a_time_with_storage_in_postgres(tmp_path, monkeypatch):
    write_rounds(tmp_path / "surveys", generate_rounds(DAYS, [12, 12], seed=8, duplicates=0))
    env = {"VC_DUCKDB_PATH": str(tmp_path / "rounds.duckdb"), "VC_SURVEY_DIR": str(tmp_path / "surveys"),
           "VC_MEMBERS_MODE": "passthrough", "VC_HASH_KEY": TEST_KEY, "VC_EXPORT_DIR": str(tmp_path / "exports"),
           "VC_CONTROLS_DIR": str(tmp_path / "controls"), "VC_REPORT_DIR": str(tmp_path / "reports"),
           "VC_FEEDBACK_DIR": str(tmp_path / "feedback"), "VC_SURVEY_SENSOR": "stopped"}
    with postgres_server() as database, dagster_dev(tmp_path, {**env, **database}, instance=INSTANCE) as base_url:
        run_ids = []
        for day in DAYS:  # both launched before either has started: they wait in the queue
            params = {"selector": {"repositoryLocationName": "vc_pipeline", "repositoryName": "__repository__",
                                   "jobName": "coffee_round",
                                   "assetSelection": [{"path": [name]} for name in FIRST_ASSETS]},
                      "executionMetadata": {"tags": [{"key": "dagster/partition", "value": f"{day:%Y-%m-%d}"}]}}
            answer = graphql(base_url, LAUNCH, {"params": params})["launchRun"]
            assert answer["__typename"] == "LaunchRunSuccess", answer
            run_ids.append(answer["run"]["runId"])
        assert all(_wait_for_status(base_url, r, FINISHED, timeout=600) == "SUCCESS" for r in run_ids)
        spans = sorted((t["startTime"], t["endTime"]) for t in
                       (graphql(base_url, RUN_TIMES, {"id": r})["runOrError"] for r in run_ids))
        assert spans[0][1] <= spans[1][0]  # one at a time: the second started after the first ended

        for name, value in database.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
        instance = dg.DagsterInstance.get()
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert not list((tmp_path / "home").rglob("*.db"))  # nothing went to SQLite files
        for run_id in run_ids:
            checks = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
            names = {e.dagster_event.event_specific_data.check_name for e in checks}
            assert {"schema", "distribution_drift"} <= names
        for asset in FIRST_ASSETS:
            records = instance.fetch_materializations(dg.AssetKey(asset), limit=10).records
            assert {r.partition_key for r in records} == {f"{d:%Y-%m-%d}" for d in DAYS}, asset
        instance.dispose()
