"""Dagster definitions, autoloaded (vc_pipeline.definitions): one file per asset, named after it,
plus the jobs, sensors and resources. Thin wiring of the plain modules; helpers live in
vc_pipeline.orchestration."""
