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
    selection=dg.AssetSelection.assets("raw_feedback", "round_feedback", "final_pairing", "fairness_report"),
    partitions_def=rounds,
    description="After a round: save the feedback export as <VC_FEEDBACK_DIR>/<round>.csv (or record no-shows "
                "in the round's controls file), then run this: no-shows are taken out, their buddies re-paired, "
                "and the fairness report is redone with the feedback figures.",
)

trends_job = dg.define_asset_job(
    "trends",
    selection=dg.AssetSelection.assets("fairness_trends"),
    description="Rebuild fairness_trends from every stored round's fairness_report.",
)

# Launching these is the organizer's approval: no schedule or sensor ever starts them.
send_intros_job = dg.define_asset_job(
    "send_intros",
    selection=dg.AssetSelection.assets("slack_intros"),
    partitions_def=rounds,
    description="After reviewing a round's pairing: send each group its intro in one Slack DM, exactly once "
                "(a dry run that writes slack_outbox.json without SLACK_BOT_TOKEN).",
)

send_checkins_job = dg.define_asset_job(
    "send_checkins",
    selection=dg.AssetSelection.assets("slack_checkins"),
    partitions_def=rounds,
    description="A week after the intros: ask each group in its DM whether they met, with the feedback form link.",
)
