"""new_survey_sensor (a round runs when its export appears or changes) and the sensor that
rebuilds fairness_trends after each round's report."""

from collections.abc import Mapping
from pathlib import Path

import dagster as dg

from vc_pipeline.orchestration.environment import setting_now
from vc_pipeline.orchestration.partitions import rounds
from vc_pipeline.orchestration.resources import SurveyFiles
from vc_pipeline.settings import SURVEY_DIR, SURVEY_SENSOR
from vc_pipeline.survey.watch import cursor_from_json, cursor_to_json, scan_surveys


def round_request(round_key: str, sha256: str) -> dg.RunRequest:
    """The round job's run for one export's content; the run key makes the same bytes run once."""
    return dg.RunRequest(partition_key=round_key, run_key=f"{round_key}:{sha256[:16]}",
                         tags={"vc/survey_sha256": sha256})


def default_status(environment: Mapping[str, str] | None = None) -> dg.DefaultSensorStatus:
    """RUNNING unless `VC_SURVEY_SENSOR=stopped` (in `environment`, default the process's) as the
    definitions load; the UI's toggle overrides it once used."""
    stopped = setting_now(SURVEY_SENSOR, environment).strip().lower() == "stopped"
    return dg.DefaultSensorStatus.STOPPED if stopped else dg.DefaultSensorStatus.RUNNING


@dg.sensor(job_name="coffee_round", minimum_interval_seconds=30, default_status=default_status())
def new_survey_sensor(context: dg.SensorEvaluationContext, survey_files: SurveyFiles) -> dg.SensorResult:
    """Launch `coffee_round` for a round when `<VC_SURVEY_DIR>/<round>.csv` appears or its bytes change.

    In: the cursor, JSON {round: sha256} of the exports already run, and the survey folder (the
    `survey_files` resource). Out: one RunRequest per new or changed export (oldest round first,
    run key `<round>:<sha256[:16]>`) and the updated cursor; a SkipReason when nothing changed.
    `.csv` files that are not a round's start date are logged and named in the SkipReason, never
    run. On by default (RUNNING), so `make dev` picks up a new export within 30 s; stop it under
    Automation in the UI, or start with `VC_SURVEY_SENSOR=stopped`.
    """
    folder = Path(survey_files.survey_dir)
    if not folder.is_dir():
        return dg.SensorResult(skip_reason=f"no survey folder {folder.resolve()} (set {SURVEY_DIR})")
    scan = scan_surveys(folder, cursor_from_json(context.cursor), set(rounds.get_partition_keys()))
    for message in scan.skipped:
        context.log.warning(message)
    requests = [round_request(key, sha) for key, sha in scan.changed]
    if requests:
        return dg.SensorResult(run_requests=requests, cursor=cursor_to_json(scan.cursor))
    return dg.SensorResult(skip_reason="; ".join(["no new or changed round export", *scan.skipped]),
                           cursor=cursor_to_json(scan.cursor))


# On by default, unlike Dagster's implicit automation sensor, so trends follow each round by themselves.
trends_automation = dg.AutomationConditionSensorDefinition(
    "fairness_trends_automation",
    target=dg.AssetSelection.assets("fairness_trends"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Rebuilds fairness_trends (eager condition) once a round's fairness_report is newer.",
)
