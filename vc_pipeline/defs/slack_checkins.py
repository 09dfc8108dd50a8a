"""slack_checkins: a week after the intros, "did you meet?" with the feedback form, in the same DM
(job send_checkins)."""

import dagster as dg
import pandas as pd

from vc_pipeline.errors import SettingsError
from vc_pipeline.export.organizer import group_people
from vc_pipeline.orchestration.partitions import round_of, rounds
from vc_pipeline.orchestration.resources import MemberSettings, RoundOutputs, RoundStore, SlackSettings
from vc_pipeline.orchestration.round_asset import DUCKDB_POOL, user_errors_fail_the_step
from vc_pipeline.settings import FEEDBACK_FORM_URL
from vc_pipeline.slack.delivery import send_checkins, write_outbox
from vc_pipeline.slack.ledger import Ledger
from vc_pipeline.slack.messages import checkin_messages, checkin_outbox, refusal, require_paired


@dg.asset(partitions_def=rounds, pool=DUCKDB_POOL, group_name="slack", kinds={"slack", "duckdb"},
          owners=["team:vc-data"], deps=["slack_intros"])
def slack_checkins(context: dg.AssetExecutionContext, round_intros: pd.DataFrame, ilp_pairing: pd.DataFrame,
                   normalized_members: pd.DataFrame, raw_survey: pd.DataFrame, member_settings: MemberSettings,
                   slack: SlackSettings, store: RoundStore, round_outputs: RoundOutputs) -> dg.MaterializeResult:
    """Each pair and triad whose intro was sent gets one "Did you meet?" with the feedback form
    link (VC_FEEDBACK_FORM_URL) in the DM of its intro, recorded in `vc.slack_ledger`, so a
    re-launch posts nothing twice. Without SLACK_BOT_TOKEN a dry run
    (`<export>/<round>/slack_checkins_outbox.json`)."""
    round_date, folder = round_of(context), round_outputs.export_folder(round_of(context))
    with user_errors_fail_the_step():
        form = slack.feedback_form_url
        if slack.bot_token and not form:
            raise SettingsError(f"{FEEDBACK_FORM_URL} is not set: the check-ins link to the feedback form; set it to its URL")
        people = group_people(ilp_pairing, normalized_members, raw_survey, member_settings.mode, member_settings.hash_key)
        messages = checkin_messages(require_paired(round_intros, context.partition_key), people,
                                    form or f"<{FEEDBACK_FORM_URL}>")
        if not slack.bot_token:
            path = write_outbox(folder / "slack_checkins_outbox.json", round_date, checkin_outbox(messages, people),
                                refusal(member_settings.mode, [], True))
            return dg.MaterializeResult(metadata={"dry_run": True, "groups": len(messages), "sent": 0,
                                                  "outbox": dg.MetadataValue.path(str(path))})
        client, limits = slack.client()
        with store.connection() as connection:
            report = send_checkins(messages, client, Ledger(connection, round_date))
    report.rate_limit_waits, report.waited_seconds = limits.waits, limits.waited_seconds
    return dg.MaterializeResult(metadata={"dry_run": False, "groups": len(messages), **report.as_metadata()})
