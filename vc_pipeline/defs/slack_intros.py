"""slack_intros: the round's intros sent in Slack, one group DM each, exactly once (job send_intros)."""

import dagster as dg
import pandas as pd

from vc_pipeline.errors import UserError
from vc_pipeline.export.organizer import group_people
from vc_pipeline.orchestration.check_history import failed_error_checks
from vc_pipeline.orchestration.partitions import round_of, rounds
from vc_pipeline.orchestration.resources import MemberSettings, RoundOutputs, RoundStore, SlackSettings
from vc_pipeline.orchestration.round_asset import DUCKDB_POOL, user_errors_fail_the_step
from vc_pipeline.slack.delivery import send_intros, write_outbox
from vc_pipeline.slack.directory import SlackDirectory
from vc_pipeline.slack.ledger import Ledger
from vc_pipeline.slack.messages import intro_outgoing, mention, outbox, refusal, require_paired, unreached

REACHED_CHECK = ("everyone_reached", "WARN when a member Slack can't find (or a group whose intro failed) is left "
                                     "for the organizers to reach by hand; the list is slack_unreached.md.")
UNREACHED_FILE = "slack_unreached.md"


class SendRefused(UserError, RuntimeError):
    """The round must not be sent as it is (synthetic members, failed ERROR checks)."""


class SendConfig(dg.Config):
    """send_despite_failed_checks: send even though an ERROR-severity check of the round failed."""

    send_despite_failed_checks: bool = False


def reached_check(rows: pd.DataFrame, lines: list[str], path) -> dg.AssetCheckResult:
    """everyone_reached from the round's ledger rows of one message kind (counts and a path only)."""
    missing = int(rows["missing_member_ids"].map(lambda ids: len([m for m in str(ids).split(",") if m])).sum())
    failed = int((rows["status"] == "failed").sum())
    return dg.AssetCheckResult(check_name=REACHED_CHECK[0], passed=not lines, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"members_not_found": missing, "failed_groups": failed,
                                         "list": dg.MetadataValue.path(str(path)) if lines else "none"})


@dg.asset(partitions_def=rounds, pool=DUCKDB_POOL, group_name="slack", kinds={"slack", "duckdb"},
          owners=["team:vc-data"], check_specs=[dg.AssetCheckSpec(REACHED_CHECK[0], asset="slack_intros",
                                                                  description=REACHED_CHECK[1])])
def slack_intros(context: dg.AssetExecutionContext, config: SendConfig, round_intros: pd.DataFrame,
                 ilp_pairing: pd.DataFrame, normalized_members: pd.DataFrame, raw_survey: pd.DataFrame,
                 member_settings: MemberSettings, slack: SlackSettings, store: RoundStore,
                 round_outputs: RoundOutputs):
    """Each group of the round gets its intro in one Slack DM with exactly its members (found by the
    email on the form, else the Slack handle), recorded in `vc.slack_ledger` so a re-launch sends
    only what was not sent. Launching this (job send_intros) is the organizer's approval. Without
    SLACK_BOT_TOKEN a dry run: `<export>/<round>/slack_outbox.json`, nothing sent. Refuses a
    synthetic-mode store and a round whose ERROR checks failed."""
    round_date, folder = round_of(context), round_outputs.export_folder(round_of(context))
    with user_errors_fail_the_step():
        people = group_people(ilp_pairing, normalized_members, raw_survey, member_settings.mode, member_settings.hash_key)
        outgoing = intro_outgoing(require_paired(round_intros, context.partition_key), people)
        reason = refusal(member_settings.mode, failed_error_checks(context.instance, context.partition_key),
                         config.send_despite_failed_checks)
        if not slack.bot_token:
            path = write_outbox(folder / "slack_outbox.json", round_date, outbox(outgoing), reason)
            # a check result is due on every path; a dry run looks nobody up, so it has nobody to miss
            dry = dg.AssetCheckResult(check_name=REACHED_CHECK[0], passed=True, severity=dg.AssetCheckSeverity.WARN,
                                      metadata={"dry_run": True, "members_not_found": 0})
            return dg.MaterializeResult(metadata={"dry_run": True, "groups": len(outgoing), "sent": 0,
                                                  "would_be_refused": reason or "no", "outbox": dg.MetadataValue.path(str(path))},
                                        check_results=[dry])
        if reason:
            raise SendRefused(f"not sending round {context.partition_key}: {reason}")
        client, limits = slack.client()
        with store.connection() as connection:
            ledger = Ledger(connection, round_date)
            report = send_intros(outgoing, client, ledger, SlackDirectory(client), mention)
            rows = ledger.rows("intro")
    report.rate_limit_waits, report.waited_seconds = limits.waits, limits.waited_seconds
    lines = unreached(rows, people)
    path = folder / UNREACHED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Round {round_date:%Y-%m-%d}: reach these members by hand\n\n" + "\n".join(lines or ["- nobody"]) + "\n",
                    encoding="utf-8")
    if report.waited_seconds:
        context.log.info(f"Slack rate-limited the run {report.rate_limit_waits} times; waited {report.waited_seconds:.1f} s")
    return dg.MaterializeResult(metadata={"dry_run": False, "groups": len(outgoing), **report.as_metadata()},
                                check_results=[reached_check(rows, lines, path)])
