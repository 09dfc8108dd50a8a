"""The Dagster side's helpers (resources, IO manager, the round-asset decorator, checks, metadata):
plain building blocks that `vc_pipeline.defs` wires into definitions; they define nothing themselves."""
