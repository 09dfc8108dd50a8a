"""Send each group its one Slack message exactly once.

For an intro: find the members (SlackDirectory), open one DM with exactly the members Slack knows
(conversations.open), post (chat.postMessage). For a check-in: post in the channel the intro went
to. The ledger records "sending" before a post and "sent" with the message timestamp after it; a
launch after a run that died between the two looks for the message in the channel (it carries our
metadata) before posting again, so nothing is sent twice. A group whose post fails for a reason of
its own (say channel_not_found) is recorded as failed and the others go on; an error that stops
every post (bad token, missing scope, rate limits that outlast the retries) stops the run, resumable.
"""

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vc_pipeline.errors import UserError
from vc_pipeline.slack.directory import SlackDirectory
from vc_pipeline.slack.ledger import Entry, Ledger

EVENT_TYPE = "vc_pipeline_message"
# errors no group can get past: stop, say why, resume on the next launch
RUN_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "missing_scope",
              "no_permission", "not_allowed_token_type", "ratelimited", "team_access_not_granted"}


class SlackUnavailable(UserError, RuntimeError):
    """Slack refused every post (token, scopes, rate limits); what was sent is in the ledger."""


@dataclass(frozen=True)
class Recipient:
    """A group member as the delivery needs them (names and contacts never reach the ledger)."""

    member_id: str
    name: str
    email: str
    slack_handle: str


@dataclass(frozen=True)
class Outgoing:
    """One group's intro: its members and its text given how Slack shows each member."""

    group_id: int
    recipients: tuple[Recipient, ...]
    text: Callable[[Sequence[str]], str]


@dataclass
class DeliveryReport:
    """What a launch did: counts, the groups that failed (with Slack's error), the rate-limit waits."""

    sent: int = 0
    already_sent: int = 0
    recovered: int = 0
    unreachable_groups: int = 0
    members_not_found: int = 0
    no_intro_yet: int = 0
    failed: dict[int, str] = field(default_factory=dict)
    rate_limit_waits: int = 0
    waited_seconds: float = 0.0

    def as_metadata(self) -> dict:
        return {"sent": self.sent, "already_sent": self.already_sent, "recovered_after_a_crash": self.recovered,
                "unreachable_groups": self.unreachable_groups, "members_not_found": self.members_not_found,
                "no_intro_yet": self.no_intro_yet, "failed_groups": len(self.failed),
                "failed_errors": ", ".join(sorted(set(self.failed.values()))) or "none",
                "rate_limit_waits": self.rate_limit_waits, "rate_limit_waited_seconds": round(self.waited_seconds, 1)}


def _error_code(error) -> str:
    return str(error.response.get("error", "") or f"http_{error.response.status_code}")


def _stops_the_run(error) -> bool:
    return error.response.status_code == 429 or _error_code(error) in RUN_ERRORS


def _marker(round_date: dt.date, group_id: int, message: str) -> dict:
    return {"round": f"{round_date:%Y-%m-%d}", "group": int(group_id), "message": message}


def _posted_ts(client, channel: str, marker: dict) -> str | None:
    """The timestamp of our message `marker` in `channel`, when an earlier run posted it."""
    history = client.conversations_history(channel=channel, limit=100, include_all_metadata=True)
    for item in history.get("messages", []):
        metadata = item.get("metadata") or {}
        if metadata.get("event_type") == EVENT_TYPE and metadata.get("event_payload") == marker:
            return item["ts"]
    return None


def _post_once(client, ledger: Ledger, group_id: int, message: str, channel: str, text: str,
               reached: int, missing: str, previous: Entry | None) -> str:
    """Post `text` in `channel` unless an earlier run did; returns "sent" or "recovered"."""
    marker = _marker(ledger.round, group_id, message)
    if previous is not None and previous.status == "sending" and previous.channel == channel:
        ts = _posted_ts(client, channel, marker)
        if ts:
            ledger.put(group_id, message, Entry("sent", channel, ts, reached, missing, ""))
            return "recovered"
    ledger.put(group_id, message, Entry("sending", channel, None, reached, missing, ""))
    response = client.chat_postMessage(channel=channel, text=text, unfurl_links=False, unfurl_media=False,
                                       metadata={"event_type": EVENT_TYPE, "event_payload": marker})
    ledger.put(group_id, message, Entry("sent", channel, response["ts"], reached, missing, ""))
    return "sent"


def _count(report: DeliveryReport, outcome: str) -> None:
    if outcome == "sent":
        report.sent += 1
    else:
        report.recovered += 1


def _run_stopped(error, report: DeliveryReport) -> SlackUnavailable:
    return SlackUnavailable(
        f"Slack answered {_error_code(error)} (HTTP {error.response.status_code}); the run stopped after sending "
        f"{report.sent} messages, all recorded in vc.slack_ledger. Fix the cause (token, scopes) or wait, then "
        "launch again: it sends only what has not been sent.")


def send_intros(outgoing: Sequence[Outgoing], client, ledger: Ledger, directory: SlackDirectory,
                mention: Callable[[Recipient, str | None], str]) -> DeliveryReport:
    """Send each group's intro once (see the module docstring); `mention(recipient, user_id)` is how
    the text shows a member. Returns the report; raises SlackUnavailable for a run-stopping error."""
    from slack_sdk.errors import SlackApiError

    report = DeliveryReport()
    for group in outgoing:
        previous = ledger.get(group.group_id, "intro")
        if previous is not None and previous.status == "sent":
            report.already_sent += 1
            continue
        channel, reached, missing = None, [], ""
        try:
            users = [directory.find(r.email, r.slack_handle) for r in group.recipients]
            reached = [u for u in users if u]
            missing = ",".join(r.member_id for r, u in zip(group.recipients, users) if not u)
            report.members_not_found += len(users) - len(reached)
            if not reached:
                ledger.put(group.group_id, "intro", Entry("unreachable", None, None, 0, missing, ""))
                report.unreachable_groups += 1
                continue
            channel = client.conversations_open(users=",".join(reached))["channel"]["id"]
            text = group.text([mention(r, u) for r, u in zip(group.recipients, users)])
            _count(report, _post_once(client, ledger, group.group_id, "intro", channel, text, len(reached), missing,
                                      previous))
        except SlackApiError as error:
            if _stops_the_run(error):
                raise _run_stopped(error, report) from None
            ledger.put(group.group_id, "intro", Entry("failed", channel, None, len(reached), missing, _error_code(error)))
            report.failed[group.group_id] = _error_code(error)
    return report


def send_checkins(groups: Sequence[tuple[int, str]], client, ledger: Ledger) -> DeliveryReport:
    """Post each (group_id, text) check-in once, in the channel its intro went to; a group whose
    intro was not sent is counted in `no_intro_yet`. Raises SlackUnavailable as send_intros does."""
    from slack_sdk.errors import SlackApiError

    report = DeliveryReport()
    for group_id, text in groups:
        intro, previous = ledger.get(group_id, "intro"), ledger.get(group_id, "checkin")
        if intro is None or intro.status != "sent":
            report.no_intro_yet += 1
            continue
        if previous is not None and previous.status == "sent":
            report.already_sent += 1
            continue
        try:
            _count(report, _post_once(client, ledger, group_id, "checkin", intro.channel, text, intro.members_reached,
                                      intro.missing_member_ids, previous))
        except SlackApiError as error:
            if _stops_the_run(error):
                raise _run_stopped(error, report) from None
            ledger.put(group_id, "checkin", Entry("failed", intro.channel, None, intro.members_reached,
                                                  intro.missing_member_ids, _error_code(error)))
            report.failed[group_id] = _error_code(error)
    return report


def write_outbox(path: Path, round_date: dt.date, messages: list[dict], refusal: str | None) -> Path:
    """The dry run's file: what would be sent, to whom (names and contacts: the export folder's
    own PII), and why a real send would be refused, if it would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"round": f"{round_date:%Y-%m-%d}", "dry_run": True, "sent": 0,
            "note": "SLACK_BOT_TOKEN is not set: nothing was sent. Set it and launch again to send.",
            "would_be_refused": refusal, "messages": messages}
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
