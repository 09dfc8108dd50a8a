"""The Dagster code location: every definition in `vc_pipeline/defs/`, found by Dagster's autoloader."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    """The round assets and their checks, the jobs, the schedule, the sensors and the resources."""
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
