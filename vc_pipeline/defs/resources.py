"""The resources the round assets, checks and sensor use (settings from the environment)."""

import dagster as dg

from vc_pipeline.orchestration.resources import round_resources


@dg.definitions
def resources() -> dg.Definitions:
    """Every resource, its settings read when the definitions load (not at import)."""
    return dg.Definitions(resources=round_resources())
