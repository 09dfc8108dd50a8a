"""The round job (every asset of one round), its schedule, and the rematch and trends jobs."""

import dagster as dg

from vc_pipeline.orchestration.partitions import rounds

round_job = dg.define_asset_job(
    "coffee_round",
    selection=dg.AssetSelection.groups("coffee_round"),
    partitions_def=rounds,
    description="Materialize every asset of one coffee round, raw_survey to fairness_report.",
)

# Runs the round's job as the round starts; turn it on in the UI (Automation) when rounds are live.
round_schedule = dg.build_schedule_from_partitioned_job(round_job, name="coffee_round_start")

rematch_job = dg.define_asset_job(
    "rematch",
    selection=dg.AssetSelection.assets("final_pairing", "fairness_report"),
    partitions_def=rounds,
    description="After a round: record no-shows in the round's controls file, then run this to re-pair their "
                "buddies (the round's fairness report is redone, counting the backups used).",
)

trends_job = dg.define_asset_job(
    "trends",
    selection=dg.AssetSelection.assets("fairness_trends"),
    description="Rebuild fairness_trends from every stored round's fairness_report.",
)
