"""Which round exports in the survey folder are new or changed since the last look (no Dagster).

A round's export is `<survey_dir>/<YYYY-MM-DD>.csv`, named by the round's start date. What has been
seen is a cursor, {round: sha256 of the export's bytes}, kept as JSON between looks.
"""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from vc_pipeline.survey.reader import one_line

_DATE_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class SurveyScan:
    """One look at the survey folder.

    changed: (round, sha256) of every export that is new or whose bytes changed, oldest round first.
    skipped: one message per `.csv` file that is not a round's export, naming the file and why.
    cursor: {round: sha256} of every export seen so far, this look included.
    """

    changed: list[tuple[str, str]]
    skipped: list[str]
    cursor: dict[str, str]


def file_sha256(path: Path) -> str:
    """The SHA-256 (hex) of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def not_a_round_reason(stem: str, round_keys: Collection[str]) -> str | None:
    """Why a file stem is not a round key (None when it is one): not a YYYY-MM-DD date, or a date
    that is not a round's start (among `round_keys`)."""
    if not _DATE_STEM.match(stem):
        return "its name is not a date (YYYY-MM-DD)"
    try:
        dt.date.fromisoformat(stem)
    except ValueError:
        return "its name is not a valid date"
    if stem not in round_keys:
        return "its date is not a round's start (or the round has not begun)"
    return None


def scan_surveys(survey_dir: Path, seen: Mapping[str, str], round_keys: Collection[str]) -> SurveyScan:
    """Compare the `.csv` files in `survey_dir` with `seen` ({round: sha256}).

    In: the folder, the previous cursor and the valid round keys. Out: a SurveyScan whose cursor is
    `seen` updated with every export found (rounds whose file disappeared keep their last hash, so
    the same bytes coming back launch nothing). Files other than `*.csv` are ignored; a file that
    vanishes or cannot be read while we look is skipped and named.
    """
    cursor, changed, skipped = dict(seen), [], []
    for path in sorted(survey_dir.glob("*.csv")):
        reason = not_a_round_reason(path.stem, round_keys)
        if reason is None:
            try:
                sha = file_sha256(path)
            except OSError as exc:
                reason = f"it cannot be read ({exc.strerror or exc})"
        if reason is not None:
            skipped.append(f"{one_line(path)}: skipped, {reason}")
            continue
        if cursor.get(path.stem) != sha:
            changed.append((path.stem, sha))
            cursor[path.stem] = sha
    return SurveyScan(changed=changed, skipped=skipped, cursor=cursor)


def cursor_from_json(text: str | None) -> dict[str, str]:
    """The {round: sha256} cursor from its JSON text; None or "" (never evaluated) is {}.
    Raises ValueError, quoting the text, when it is not a JSON object of strings."""
    if not text:
        return {}
    try:
        cursor = json.loads(text)
    except json.JSONDecodeError:
        cursor = None
    if not isinstance(cursor, dict) or not all(isinstance(v, str) for v in cursor.values()):
        raise ValueError(f"survey cursor {text[:200]!r} is not a JSON object {{round: sha256}}")
    return cursor


def cursor_to_json(cursor: Mapping[str, str]) -> str:
    """The cursor as compact JSON, rounds in order."""
    return json.dumps(dict(cursor), sort_keys=True, separators=(",", ":"))
