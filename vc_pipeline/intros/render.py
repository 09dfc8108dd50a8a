"""An intro (a round_intros row) rendered with names put in: markdown for intros.md, Slack mrkdwn
for the group DM. Text is escaped for its target; a name is escaped and shown in bold (or, in
Slack, as a mention of the member's user id when Slack knows them)."""

import re
from collections.abc import Callable, Sequence

import pandas as pd

from vc_pipeline.export.meeting_window import NO_OVERLAP
from vc_pipeline.intros.reasons import and_list

# groups that meet (a bye or an unpaired member gets a note instead of an intro)
MEETING_KINDS = ("pair", "triad")

_PLACEHOLDER = re.compile(r"\{member_(\d+)\}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")
# inside a sentence only these start markup (emphasis, code, links, HTML, tables, strike-through)
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~])")


def escape_markdown(text: str) -> str:
    """`text` on one line, every markdown special character backslash-escaped (for names)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def escape_markdown_inline(text: str) -> str:
    """`text` with the characters that start inline markup escaped; sentences stay readable."""
    return _MARKDOWN_INLINE.sub(r"\\\1", str(text))


def escape_slack(text: str) -> str:
    """`text` with `&`, `<` and `>` escaped, as Slack's mrkdwn asks."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fill(text: str, names: Sequence[str], escape: Callable[[str], str]) -> str:
    """`text` on one line, escaped with `escape`, each `{member_k}` replaced by `names[k-1]`
    (already formatted); a placeholder beyond the group is left out."""
    text = " ".join(str(text).split())
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(text):
        k = int(match.group(1))
        parts += [escape(text[last:match.start()]), names[k - 1] if 1 <= k <= len(names) else ""]
        last = match.end()
    return "".join(parts + [escape(text[last:])])


def starters(intro: pd.Series) -> list[str]:
    """The intro's conversation starters (2–3 for a pair or triad, none for a bye)."""
    return [s for s in (intro.get(f"icebreaker_{k}") for k in (1, 2, 3)) if isinstance(s, str) and s]


def window_line(window: str) -> str:
    """The sentence about the group's meeting window ("" when there is none). Our own text from
    IANA zone names: nothing a member wrote."""
    if not window:
        return ""
    if window.startswith(NO_OVERLAP):
        return (f"Your working hours (9:00–18:00) do not overlap; the least-bad hour is "
                f"{window.removeprefix(NO_OVERLAP)}.")
    return f"Your working hours (9:00–18:00) overlap {window}."


def _filled(intro: pd.Series, names: Sequence[str], escape: Callable[[str], str]) -> tuple[str, list[str], str]:
    """The intro's why, starters and closing (next step and meeting window), names put in and
    escaped for the target."""
    closing = " ".join(t for t in (fill(intro["message"], names, escape), window_line(intro["meeting_window"])) if t)
    return fill(intro["why"], names, escape), [fill(s, names, escape) for s in starters(intro)], closing


def markdown_section(intro: pd.Series, names: Sequence[str]) -> str:
    """The intros.md section of one group; `names` are the members' names in member-id order."""
    bold = [f"**{escape_markdown(name)}**" for name in names]
    head = f"## Group {int(intro['group_id'])} · {intro['kind']}\n\n"
    why, items, closing = _filled(intro, bold, escape_markdown_inline)
    if intro["kind"] not in MEETING_KINDS:
        return f"{head}{why}\n"
    listed = "\n".join(f"- {item}" for item in items)
    return f"{head}Meet {and_list(bold)}!\n\n{why}\n\nConversation starters:\n\n{listed}\n\n{closing}\n"


def slack_text(intro: pd.Series, mentions: Sequence[str]) -> str:
    """The Slack message of one group; `mentions` are the members as Slack shows them (`<@U123>`
    for a member Slack knows, their name in bold otherwise), in member-id order."""
    why, items, closing = _filled(intro, mentions, escape_slack)
    if intro["kind"] not in MEETING_KINDS:
        return f":coffee: {why}"
    listed = "\n".join(f"• {item}" for item in items)
    return f":coffee: Meet {and_list(list(mentions))}!\n\n{why}\n\n*Conversation starters*\n{listed}\n\n{closing}"


def slack_name(name: str) -> str:
    """A member Slack can't mention, in bold (mrkdwn-escaped, asterisks dropped so bold holds)."""
    return f"*{escape_slack(name).replace('*', '')}*"


def slack_checkin_text(mentions: Sequence[str], form_url: str) -> str:
    """The check-in a week after the intro, in the same DM: did you meet, and the feedback form."""
    return (f":wave: {and_list(list(mentions))}, did you manage to meet for your coffee chat? Met or not, "
            f"please tell us in two quick questions, it decides who meets whom next round: {form_url}")
