"""What a round sends in Slack, built from its intros (round_intros) and its people (group_people
rows: names and contacts), and what the organizer is told: refusals, members Slack can't find."""

import pandas as pd

from vc_pipeline.errors import UserError
from vc_pipeline.intros.render import MEETING_KINDS, slack_checkin_text, slack_name, slack_text
from vc_pipeline.slack.delivery import Outgoing, Recipient


class RoundNotPaired(UserError, LookupError):
    """The store has no intros for the round: it was never paired (or under another store)."""


def require_paired(intros: pd.DataFrame, round_key: str) -> pd.DataFrame:
    """`intros` when the round has any; RoundNotPaired otherwise."""
    if intros.empty:
        raise RoundNotPaired(f"round {round_key} has no pairing in the store: materialize it first "
                             "(make run, or the coffee_round job in the UI)")
    return intros


def recipients_by_group(people: pd.DataFrame) -> dict[int, tuple[Recipient, ...]]:
    """Each group's members in member-id order (people: group_people rows, so ordered)."""
    return {int(g): tuple(Recipient(r.member_id, r.name, r.email or "", r.slack_handle or "") for r in group.itertuples())
            for g, group in people.groupby("group_id", sort=True)}


def intro_outgoing(intros: pd.DataFrame, people: pd.DataFrame) -> list[Outgoing]:
    """One Outgoing per group of `intros` (round_intros rows; byes and unpaired members too: they
    hear from us as well), by group id."""
    members = recipients_by_group(people)
    return [Outgoing(int(intro.group_id), members[int(intro.group_id)],
                     (lambda mentions, intro=intro: slack_text(intro, mentions)))
            for _, intro in intros.sort_values("group_id").iterrows()]


def mention(recipient: Recipient, user_id: str | None) -> str:
    """A member in a message: a Slack mention when Slack knows them, their name in bold otherwise."""
    return f"<@{user_id}>" if user_id else slack_name(recipient.name)


def checkin_messages(intros: pd.DataFrame, people: pd.DataFrame, form_url: str) -> list[tuple[int, str]]:
    """(group_id, check-in text) for every pair and triad, by group id."""
    members = recipients_by_group(people)
    return [(int(i.group_id), slack_checkin_text([slack_name(r.name) for r in members[int(i.group_id)]], form_url))
            for _, i in intros.sort_values("group_id").iterrows() if i["kind"] in MEETING_KINDS]


def _to(recipients: tuple[Recipient, ...]) -> list[dict]:
    return [{"name": r.name, "email": r.email, "slack_handle": r.slack_handle} for r in recipients]


def outbox(outgoing: list[Outgoing]) -> list[dict]:
    """The dry run's messages: group, to whom, and the text (members shown by name)."""
    return [{"group_id": o.group_id, "to": _to(o.recipients), "text": o.text([slack_name(r.name) for r in o.recipients])}
            for o in outgoing]


def checkin_outbox(messages: list[tuple[int, str]], people: pd.DataFrame) -> list[dict]:
    """The dry run's check-ins: group, to whom, and the text."""
    members = recipients_by_group(people)
    return [{"group_id": g, "to": _to(members[g]), "text": text} for g, text in messages]


def refusal(mode: str, failed_error_checks: list[str] | None, despite_failed_checks: bool) -> str | None:
    """Why this round must not be sent (None when it may): a synthetic-mode store, or ERROR-severity
    checks that failed (or no check recorded at all) unless the organizer overrides that."""
    if mode == "synthetic":
        return ("the store is in synthetic mode (VC_MEMBERS_MODE=synthetic): its members are fabricated, so there "
                "is no one to send to; pair the round in passthrough mode to send intros")
    if despite_failed_checks:
        return None
    if failed_error_checks is None:
        return ("no check results for this round on this Dagster instance: materialize the round first "
                "(make run, or coffee_round in the UI), or set send_despite_failed_checks")
    if failed_error_checks:
        return (f"the round's ERROR checks failed ({', '.join(failed_error_checks)}): review the pairing, re-run it, "
                "or set send_despite_failed_checks to send anyway")
    return None


def unreached(ledger_rows: pd.DataFrame, people: pd.DataFrame) -> list[str]:
    """For the organizer, one line per intro member Slack could not find and per group whose intro
    failed: group, name, email and handle (the export folder's own PII)."""
    contacts = people.set_index("member_id")
    lines = []
    for row in ledger_rows[ledger_rows["message"] == "intro"].itertuples():
        for member in filter(None, str(row.missing_member_ids).split(",")):
            person = contacts.loc[member]
            lines.append(f"- group {row.group_id}: {person['name']} (email: {person['email'] or 'none'}, "
                         f"Slack handle: {person['slack_handle'] or 'none'}) is not found in Slack")
        if row.status == "failed":
            lines.append(f"- group {row.group_id}: the intro was not sent (Slack said {row.error}); launch again to retry")
    return lines
