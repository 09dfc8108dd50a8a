"""Read one round's form export into a table with canonical column names."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd

from vc_pipeline.errors import UserError
from vc_pipeline.survey.form import HEADERS


class SurveyError(UserError, ValueError):
    """A survey export that cannot be read; the message names file, row and column."""


# Control characters a value may not keep: everything below space except tab and newline, DEL, the
# C1 block and the Unicode line/paragraph separators (they would start a new line in a log).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def clean_value(cell: str) -> str:
    """A cell as we keep it: line breaks as \\n (a CR/LF or lone CR inside a quoted field is one
    break), other control characters dropped, surrounding whitespace stripped."""
    return _CONTROL.sub("", cell.replace("\r\n", "\n").replace("\r", "\n")).strip()


def one_line(text: object) -> str:
    """`text` safe to put in a log line: CR, LF, tab and other control characters shown as escapes
    (`\\r`, `\\n`, `\\x1b`), so a value can never forge a line of its own."""
    return re.sub(r"[\r\n\t]|" + _CONTROL.pattern, lambda m: repr(m.group())[1:-1], str(text))


def _header_key(header: str) -> str:
    return re.sub(r"\s+", " ", header).strip().casefold()


def _canonical_by_key(headers: dict[str, str]) -> dict[str, str]:
    """Header key (whitespace and case folded) -> canonical column; the canonical names match too."""
    return {**{_header_key(h): c for h, c in headers.items()}, **{c: c for c in headers.values()}}


def survey_path(survey_dir: str | Path, round_key: str) -> Path:
    """The export file of a round: `<survey_dir>/<round>.csv`."""
    return Path(survey_dir) / f"{round_key}.csv"


def _decode(raw: bytes, path: Path, error: type[UserError]) -> str:
    if b"\x00" in raw:
        raise error(f"{path}: the file holds NUL bytes; expected a text CSV export")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _records(text: str, path: Path, error: type[UserError]) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as exc:
        raise error(f"{path}: line {reader.line_num}: not a readable CSV record ({exc})") from None


def _column_positions(headers: list[str], path: Path, form: dict[str, str], error: type[UserError]) -> dict[str, int]:
    positions: dict[str, int] = {}
    canonical_by_key = _canonical_by_key(form)
    for index, header in enumerate(headers):
        # pandas-style duplicate suffixes ("Email.1") are duplicates too
        key = _header_key(re.sub(r"\.\d+$", "", header))
        canonical = canonical_by_key.get(key)
        if canonical is None:
            continue
        if canonical in positions:
            raise error(
                f"{path}: header row: column {positions[canonical] + 1} and column {index + 1} "
                f"are both '{canonical}'; expected each form question once"
            )
        positions[canonical] = index
    missing = [h for h, c in form.items() if c not in positions]
    if missing:
        raise error(f"{path}: header row: missing column(s) {missing}; expected the form's headers")
    return positions


def read_survey(path: str | Path, round_date: dt.date) -> pd.DataFrame:
    """Read a sign-up form export (CSV) into one row per submission.

    Returns the canonical columns (all text, blanks as "", values cleaned by `clean_value`), plus
    `round` (the round's start date) and `source_row` (1-based data row in the file, for error
    messages). Columns that are not form questions are dropped; a header-only file gives no rows.
    Raises SurveyError naming the file, row and column when unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise SurveyError(f"{path}: no survey export for round {round_date:%Y-%m-%d}; expected this file")
    return read_form_export(path, HEADERS, round_date, SurveyError)


def read_form_export(path: Path, form: dict[str, str], round_date: dt.date, error: type[UserError]) -> pd.DataFrame:
    """Read an existing export of the form whose headers are `form` ({header: canonical column}):
    as read_survey does, in the same encodings and header matching; `error` is raised, naming file,
    row and column, when it is unreadable."""
    records = [r for r in _records(_decode(path.read_bytes(), path, error), path, error) if any(c.strip() for c in r)]
    if not records:
        raise error(f"{path}: the file is empty; expected a header row and one row per response")
    headers, rows = records[0], records[1:]
    positions = _column_positions(headers, path, form, error)
    for number, row in enumerate(rows, start=1):
        if len(row) > len(headers) and any(c.strip() for c in row[len(headers):]):
            raise error(
                f"{path}: row {number}: {len(row)} fields but the header has {len(headers)}; "
                "expected one field per column (check for unquoted commas)"
            )
    table = pd.DataFrame(
        {
            column: [clean_value(row[index]) if index < len(row) else "" for row in rows]
            for column, index in positions.items()
        },
        columns=list(form.values()),
        dtype="object",
    )
    table.insert(0, "round", pd.Series([round_date] * len(rows), dtype="object"))
    table.insert(1, "source_row", pd.Series(range(1, len(rows) + 1), dtype="int64"))
    return table


def require_respondents(table: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """`table` when it has at least one respondent; else a SurveyError naming the export."""
    if table.empty:
        raise SurveyError(f"{path}: no respondents (the export has no response rows and nobody was "
                          "carried over from earlier rounds); nothing to pair")
    return table
