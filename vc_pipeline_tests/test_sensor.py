"""The survey-folder sensor: a round runs once per export content, other files are named, not run."""

import hashlib
import json

import dagster as dg
import pytest

from vc_pipeline.defs.jobs import round_job
from vc_pipeline.defs.sensors import default_status, new_survey_sensor
from vc_pipeline.orchestration.resources import SurveyFiles, round_definitions
from vc_pipeline.survey.watch import cursor_from_json, cursor_to_json, file_sha256, scan_surveys

ROUND_KEYS = {"2026-10-01", "2026-11-01"}


@pytest.fixture
def surveys(tmp_path):
    return tmp_path


@pytest.fixture(scope="module")
def instance():
    with dg.DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral


def evaluate(instance, folder, cursor=None) -> dg.SensorResult:
    context = dg.build_sensor_context(cursor=cursor, instance=instance,
                                      resources={"survey_files": SurveyFiles(survey_dir=str(folder))})
    return new_survey_sensor(context)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the sensor, through Dagster ---

def test_sensor_targets_the_round_job_and_is_on_by_default():
    assert new_survey_sensor.name == "new_survey_sensor"
    assert new_survey_sensor.job_name == round_job.name == "coffee_round"
    assert new_survey_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert new_survey_sensor.minimum_interval_seconds == 30


@pytest.mark.parametrize(("setting", "status"), [("stopped", "STOPPED"), (" Stopped ", "STOPPED"),
                                                 ("running", "RUNNING"), ("", "RUNNING")])
def test_a_fresh_instance_can_start_with_the_sensor_off(setting, status):
    assert default_status({"VC_SURVEY_SENSOR": setting}) == dg.DefaultSensorStatus[status]


def test_new_export_runs_its_round_once_per_content(surveys, instance):
    export = surveys / "2026-10-01.csv"
    export.write_bytes(b"name,email\nAda,ada@example.org\n")

    first = evaluate(instance, surveys)
    assert [(r.partition_key, r.run_key) for r in first.run_requests] == [
        ("2026-10-01", f"2026-10-01:{sha(export.read_bytes())[:16]}")]
    assert json.loads(first.cursor) == {"2026-10-01": sha(export.read_bytes())}

    again = evaluate(instance, surveys, first.cursor)
    assert not again.run_requests and again.skip_reason is not None
    assert again.cursor == first.cursor

    export.write_bytes(b"name,email\nAda,ada@example.org\nGrace,grace@example.org\n")
    changed = evaluate(instance, surveys, again.cursor)
    assert [r.partition_key for r in changed.run_requests] == ["2026-10-01"]
    assert changed.run_requests[0].run_key == f"2026-10-01:{sha(export.read_bytes())[:16]}"
    assert changed.run_requests[0].run_key != first.run_requests[0].run_key

    (surveys / "2026-11-01.csv").write_bytes(b"name,email\nLin,lin@example.org\n")
    second_round = evaluate(instance, surveys, changed.cursor)
    assert [r.partition_key for r in second_round.run_requests] == ["2026-11-01"]
    assert set(json.loads(second_round.cursor)) == {"2026-10-01", "2026-11-01"}


@pytest.mark.parametrize("name", ["notes.csv", "2025-06-15.csv", "2026-13-01.csv", "2099-01-01.csv"])
def test_file_that_is_not_a_round_start_is_named_not_run(surveys, instance, name):
    (surveys / name).write_text("name,email\n")
    result = evaluate(instance, surveys)
    assert not result.run_requests
    assert name in result.skip_reason.skip_message


def test_non_round_file_does_not_hide_a_round_export(surveys, instance):
    (surveys / "notes.csv").write_text("to do\n")
    (surveys / "2026-10-01.csv").write_text("name,email\n")
    result = evaluate(instance, surveys)
    assert [r.partition_key for r in result.run_requests] == ["2026-10-01"]


def test_missing_folder_is_a_skip_that_names_it(tmp_path, instance):
    result = evaluate(instance, tmp_path / "absent")
    assert not result.run_requests and "absent" in result.skip_reason.skip_message


def test_the_sensor_loads_with_the_pipeline():
    sensor = round_definitions().resolve_sensor_def("new_survey_sensor")
    assert sensor is new_survey_sensor and sensor.job_name == "coffee_round"
    assert round_definitions().resolve_job_def(sensor.job_name).partitions_def == round_job.partitions_def


# --- the plain scan ---

def test_scan_reports_new_and_changed_exports_oldest_first(tmp_path):
    (tmp_path / "2026-11-01.csv").write_bytes(b"b")
    (tmp_path / "2026-10-01.csv").write_bytes(b"a")
    scan = scan_surveys(tmp_path, {}, ROUND_KEYS)
    assert scan.changed == [("2026-10-01", sha(b"a")), ("2026-11-01", sha(b"b"))]
    assert scan.cursor == {"2026-10-01": sha(b"a"), "2026-11-01": sha(b"b")} and scan.skipped == []

    (tmp_path / "2026-11-01.csv").write_bytes(b"b2")
    rescan = scan_surveys(tmp_path, scan.cursor, ROUND_KEYS)
    assert rescan.changed == [("2026-11-01", sha(b"b2"))]
    assert scan_surveys(tmp_path, rescan.cursor, ROUND_KEYS).changed == []


def test_scan_names_files_that_are_not_round_exports_and_ignores_other_types(tmp_path):
    for name in ("notes.csv", "2025-06-15.csv", "2026-02-30.csv", "readme.txt"):
        (tmp_path / name).write_text("x")
    scan = scan_surveys(tmp_path, {}, ROUND_KEYS)
    assert scan.changed == [] and scan.cursor == {}
    assert sorted(m.split(":")[0].rsplit("/", 1)[-1] for m in scan.skipped) == [
        "2025-06-15.csv", "2026-02-30.csv", "notes.csv"]


def test_scan_keeps_a_removed_round_so_its_same_bytes_do_not_rerun(tmp_path):
    seen = {"2026-10-01": sha(b"a")}
    assert scan_surveys(tmp_path, seen, ROUND_KEYS).cursor == seen
    (tmp_path / "2026-10-01.csv").write_bytes(b"a")
    assert scan_surveys(tmp_path, seen, ROUND_KEYS).changed == []


def test_file_sha256_streams_the_bytes(tmp_path):
    data = bytes(range(256)) * 10_000  # larger than one read chunk
    (tmp_path / "big.csv").write_bytes(data)
    assert file_sha256(tmp_path / "big.csv") == sha(data)


def test_cursor_round_trips_and_rejects_foreign_text():
    cursor = {"2026-11-01": "b" * 64, "2026-10-01": "a" * 64}
    assert cursor_from_json(cursor_to_json(cursor)) == cursor
    assert cursor_from_json(None) == {} and cursor_from_json("") == {}
    for text in ("not json", "[1, 2]", '{"2026-10-01": 3}'):
        with pytest.raises(ValueError, match="survey cursor"):
            cursor_from_json(text)


def test_trends_follow_each_round_by_themselves():
    defs = round_definitions()
    sensor = defs.resolve_sensor_def("fairness_trends_automation")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert sensor.asset_selection.resolve(defs.resolve_asset_graph()) == {dg.AssetKey("fairness_trends")}
    assert defs.resolve_assets_def("fairness_trends").automation_conditions_by_key[dg.AssetKey("fairness_trends")]


def test_a_new_round_report_requests_the_trends_once_even_with_rounds_never_run():
    defs = round_definitions()
    trends = dg.AssetKey("fairness_trends")
    with dg.instance_for_test() as instance:
        idle = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        assert idle.total_requested == 0  # no round has a report yet
        # one round's report is new; every other round is still missing
        instance.report_runless_asset_event(dg.AssetMaterialization("fairness_report", partition="2026-10-01"))
        after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=idle.cursor)
        assert after.get_requested_partitions(trends) == {None}
        assert after.total_requested == 1
        again = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=after.cursor)
        assert again.total_requested == 0
