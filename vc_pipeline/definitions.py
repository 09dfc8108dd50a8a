"""The Dagster code location: the round assets, their checks, the round job, schedule and sensor."""

import dagster as dg

from vc_pipeline.settings import apply_defaults

apply_defaults()

from vc_pipeline.defs.assets import export, matching, members, rematch, report, survey, text  # noqa: E402
from vc_pipeline.defs.jobs import rematch_job, round_job, round_schedule, trends_job  # noqa: E402
from vc_pipeline.defs.resources import round_resources  # noqa: E402
from vc_pipeline.defs.sensors import new_survey_sensor, trends_automation  # noqa: E402

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([survey, members, text, matching, report, export, rematch]),
    jobs=[round_job, rematch_job, trends_job],
    schedules=[round_schedule],
    sensors=[new_survey_sensor, trends_automation],
    resources=round_resources(),
)
