"""pairs.csv for the organizers: each group of the round with names and contacts joined back.

Names and contacts come from raw_survey only here (the other PII place is raw_survey itself):

- **passthrough**: a member is a respondent, and `member_id` is the HMAC of their email, so each
  respondent's latest submission is hashed again under the same key and joined on it;
- **synthetic**: members are fabricated and have no real person behind them, so the export shows
  their fabricated `display_name` and leaves email, Slack handle and LinkedIn URL blank.

The CSV is UTF-8 with a byte-order mark (so Excel shows accented names right), every cell quoted,
and every cell that a spreadsheet could run as a formula (starting with `=`, `+`, `-`, `@`, tab or
carriage return) prefixed with a single quote, as the OWASP CSV-injection guidance says. Slack
handles are written without their `@`, in columns named "Slack handle", so they need no quote.
"""

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vc_pipeline.errors import ExportError, check_member_mode
from vc_pipeline.export.intros import intros_markdown
from vc_pipeline.intros.round_intros import group_profiles, group_windows
from vc_pipeline.members.pseudonym import member_id
from vc_pipeline.survey.latest import latest_submissions

CONTACT_COLUMNS = ("email", "slack_handle", "linkedin_url")
MAX_GROUP_SIZE = 3
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_PERSON_FIELDS = {"name": "name", "email": "email", "slack_handle": "Slack handle", "linkedin_url": "LinkedIn",
                  "role": "role", "backups": "backups"}
PAIRS_HEADERS = ["Group", "Kind", "Score", "Flags", "Meeting window",
                 *(f"Person {k} {label}" for k in range(1, MAX_GROUP_SIZE + 1) for label in _PERSON_FIELDS.values())]


@dataclass(frozen=True)
class RoundExport:
    """Where a round's export was written and what it holds (counts only, no PII)."""

    pairs_csv: Path
    intros_md: Path
    members: int
    pairs: int
    triads: int
    byes: int
    members_with_email: int


def export_folder(export_dir: Path, round_date: dt.date) -> Path:
    """The round's folder of files for the organizers: `<export_dir>/<YYYY-MM-DD>`."""
    return Path(export_dir) / f"{round_date:%Y-%m-%d}"


def respondent_contacts(raw_survey: pd.DataFrame, hash_key: str) -> pd.DataFrame:
    """Passthrough: each respondent's latest submission as `member_id, name, email, slack_handle,
    linkedin_url`, member_id recomputed from the email exactly as synthetic_members does."""
    respondents = latest_submissions(raw_survey)
    contacts = respondents[["name", *CONTACT_COLUMNS]].fillna("").astype(str).reset_index(drop=True)
    contacts.insert(0, "member_id", [member_id(email, hash_key) for email in respondents["email"]])
    return contacts


def fabricated_contacts(normalized_members: pd.DataFrame) -> pd.DataFrame:
    """Synthetic: `member_id, name, email, slack_handle, linkedin_url` with the fabricated
    display_name as name and the contacts blank: a fabricated member has no one to contact."""
    contacts = normalized_members[["member_id", "display_name"]].rename(columns={"display_name": "name"})
    return contacts.assign(**{column: "" for column in CONTACT_COLUMNS})


def group_people(pairing: pd.DataFrame, normalized_members: pd.DataFrame, raw_survey: pd.DataFrame,
                 mode: str, hash_key: str) -> pd.DataFrame:
    """One row per member of `pairing` (ilp_pairing rows), ordered by group_id then member_id: the
    group_profiles columns plus name, email, slack_handle, linkedin_url, and the group's
    meeting_window in the round (its `round`) ("" for a bye, or when a member's place is unknown).
    `mode` is VC_MEMBERS_MODE, `hash_key` VC_HASH_KEY.
    Raises ExportError (counts only) when a member has, in passthrough, no respondent."""
    if mode == "passthrough":
        contacts = respondent_contacts(raw_survey, hash_key)
    elif mode == "synthetic":
        contacts = fabricated_contacts(normalized_members)
    else:
        check_member_mode(mode)
    people = group_profiles(pairing, normalized_members).merge(contacts, on="member_id", how="left",
                                                               validate="one_to_one")
    unmatched = int(people["name"].isna().sum())
    if unmatched:
        raise ExportError(f"{unmatched} of the round's {len(people)} paired members match no member profile"
                         f"{' or no respondent under this hash key' if mode == 'passthrough' else ''}: "
                         "was the round paired under another VC_HASH_KEY or VC_MEMBERS_MODE?")
    if people.empty:
        return people.assign(meeting_window=pd.Series(dtype=str))
    windows = group_windows(people, pd.Timestamp(pairing["round"].iloc[0]).date())
    return people.assign(meeting_window=people["group_id"].map(windows))


def _flags(first: pd.Series) -> str:
    flags = ["score below the minimum pair quality"] if first["low_quality"] else []
    return "; ".join(flags + (["breaks a hard rule (see ilp_pairing violations)"] if first["violations"] else []))


def _person_cells(k: int, person: pd.Series, names: dict[str, str]) -> dict[str, str]:
    backups = [names[b] for b in (person["backup_1"], person["backup_2"]) if isinstance(b, str) and b in names]
    values = {**{field: person[field] for field in ("name", *CONTACT_COLUMNS, "role")}, "backups": "; ".join(backups),
              "slack_handle": slack_handle(person["slack_handle"])}
    return {f"Person {k} {label}": values[field] for field, label in _PERSON_FIELDS.items()}


def slack_handle(handle: str) -> str:
    """A Slack handle as the "Slack handle" column holds it: without the leading `@`, so that it is
    not a formula start (no escape quote) and pastes straight into Slack's search."""
    return str(handle or "").strip().lstrip("@")


def pairs_table(people: pd.DataFrame) -> pd.DataFrame:
    """One row per group (pair, triad or bye) of `people` (group_people rows), ordered by group id:
    Group, Kind, Score (the group's mean pair score, blank for a bye), Flags, and for each person
    (up to three) name, email, Slack, LinkedIn, role and backups (backup names). Cells unescaped."""
    names = dict(zip(people["member_id"], people["name"]))
    rows = []
    for group_id, group in people.groupby("group_id", sort=True):
        first = group.iloc[0]
        row = {"Group": int(group_id), "Kind": first["kind"], "Flags": _flags(first),
               "Score": "" if pd.isna(first["score"]) else f"{first['score']:.3f}",
               "Meeting window": first["meeting_window"]}
        for k, (_, person) in enumerate(group.iterrows(), start=1):
            row.update(_person_cells(k, person, names))
        rows.append(row)
    return pd.DataFrame(rows, columns=PAIRS_HEADERS).fillna("")


def escape_cell(value) -> str:
    """`value` as CSV cell text; text a spreadsheet could run as a formula gets a leading `'`."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_pairs_csv(table: pd.DataFrame, path: Path) -> Path:
    """Write `table` to `path` as UTF-8 with BOM, every cell quoted and formula-escaped; returns path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, quoting=csv.QUOTE_ALL)
        writer.writerow([escape_cell(header) for header in table.columns])
        writer.writerows([escape_cell(cell) for cell in row] for row in table.itertuples(index=False))
    return path


def write_round_export(pairing: pd.DataFrame, normalized_members: pd.DataFrame, raw_survey: pd.DataFrame,
                       intros: pd.DataFrame, mode: str, hash_key: str, folder: Path, round_date: dt.date) -> RoundExport:
    """Write `folder/pairs.csv` and `folder/intros.md` (from `intros`, round_intros rows) for one
    round; returns their paths and counts."""
    people = group_people(pairing, normalized_members, raw_survey, mode, hash_key)
    pairs_csv = write_pairs_csv(pairs_table(people), folder / "pairs.csv")
    intros_md = folder / "intros.md"
    intros_md.write_text(intros_markdown(intros, people, round_date), encoding="utf-8")
    kinds = people.drop_duplicates("group_id")["kind"].value_counts()
    return RoundExport(pairs_csv=pairs_csv, intros_md=intros_md, members=len(people),
                       pairs=int(kinds.get("pair", 0)), triads=int(kinds.get("triad", 0)),
                       byes=int(kinds.get("bye", 0)), members_with_email=int((people["email"] != "").sum()))
