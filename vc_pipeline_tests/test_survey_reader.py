"""Reading a form export: canonical columns, header variants, and clear errors."""

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vc_pipeline.survey.form import HEADERS
from vc_pipeline.survey.reader import SurveyError, one_line, read_survey

DAY = dt.date(2026, 1, 1)
HEADER_LINE = ",".join(f'"{h}"' for h in HEADERS)
ROW = ('r1,2026-01-01 10:00,Ana Ruiz,ana@example.org,@ana,,Acme,ML Engineer,10+ Years,"Lima, Peru",No,'
       '"Builds things, mostly.",Python,,Yes')


def write(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "2026-01-01.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_canonical_columns_round_and_row_numbers(tmp_path):
    table = read_survey(write(tmp_path, f"{HEADER_LINE}\n{ROW}\n{ROW.replace('r1', 'r2')}\n"), DAY)
    assert list(table.columns[:2]) == ["round", "source_row"]
    assert list(table.columns[2:]) == list(HEADERS.values())
    assert list(table["source_row"]) == [1, 2]
    assert table.loc[0, "location"] == "Lima, Peru" and table.loc[0, "linkedin_url"] == ""
    assert set(table["round"]) == {DAY}


@pytest.mark.parametrize("encoding, prefix", [("utf-8", "\ufeff"), ("cp1252", ""), ("latin-1", ""), ("utf-8", "")])
def test_bom_and_windows_encodings_read_the_same(tmp_path, encoding, prefix):
    row = ROW.replace("Ana Ruiz", "José Núñez")
    table = read_survey(write(tmp_path, f"{prefix}{HEADER_LINE}\r\n{row}\r\n", encoding), DAY)
    assert table.loc[0, "name"] == "José Núñez" and table.loc[0, "respondent_id"] == "r1"


def test_headers_with_stray_spaces_and_case_are_recognised(tmp_path):
    messy = ",".join(f'" {h.upper()}  "' for h in HEADERS)
    assert len(read_survey(write(tmp_path, f"{messy}\n{ROW}\n"), DAY)) == 1


def test_unknown_extra_columns_are_dropped(tmp_path):
    table = read_survey(write(tmp_path, f"{HEADER_LINE},Phone number\n{ROW},555-0100\n"), DAY)
    assert "Phone number" not in table.columns and "555-0100" not in table.to_csv()


def test_missing_column_is_named(tmp_path):
    header = HEADER_LINE.replace('"Where are you based?",', "")
    with pytest.raises(SurveyError, match="missing column.*Where are you based"):
        read_survey(write(tmp_path, f"{header}\n"), DAY)


def test_duplicated_header_is_an_error_naming_both_columns(tmp_path):
    header = HEADER_LINE + ',"Your email address.1"'
    with pytest.raises(SurveyError, match="column 4 and column 16 are both 'email'"):
        read_survey(write(tmp_path, f"{header}\n{ROW},x@y.z\n"), DAY)


def test_ragged_row_names_the_row(tmp_path):
    with pytest.raises(SurveyError, match="row 2: 16 fields but the header has 15"):
        read_survey(write(tmp_path, f"{HEADER_LINE}\n{ROW}\n{ROW},extra\n"), DAY)


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_empty_file_is_a_clear_error(tmp_path, content):
    with pytest.raises(SurveyError, match="empty"):
        read_survey(write(tmp_path, content), DAY)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(SurveyError, match="2026-01-01.csv: no survey export for round 2026-01-01"):
        read_survey(tmp_path / "2026-01-01.csv", DAY)


# --- the input catalogue (issue 7): what hand-edited, re-exported and re-encoded files do ---

def test_latin1_bytes_cp1252_cannot_decode_are_read_as_latin1(tmp_path):
    row = ROW.replace("Ana Ruiz", "Zoë Ærø").replace("Acme", "Acme\x81")  # 0x81 is not a cp1252 character
    table = read_survey(write(tmp_path, f"{HEADER_LINE}\n{row}\n", "latin-1"), DAY)
    assert table.loc[0, "name"] == "Zoë Ærø" and table.loc[0, "company"] == "Acme"  # C1 control dropped


def test_header_only_gives_zero_rows_with_every_column(tmp_path):
    table = read_survey(write(tmp_path, f"{HEADER_LINE}\r\n,,,\r\n"), DAY)
    assert table.empty and list(table.columns[2:]) == list(HEADERS.values())


def test_quoted_fields_keep_commas_quotes_and_line_breaks(tmp_path):
    row = ROW.replace('"Builds things, mostly."', '"She said ""hi"",\r\nthen left.\rBye"')
    table = read_survey(write(tmp_path, f"{HEADER_LINE}\r\n{row}\r\n"), DAY)
    assert table.loc[0, "summary"] == 'She said "hi",\nthen left.\nBye'  # CR/LF and lone CR → \n
    assert table.loc[0, "location"] == "Lima, Peru" and len(table) == 1


def test_control_characters_in_values_are_dropped(tmp_path):
    row = ROW.replace("ML Engineer", "ML\x1b[31m Engineer\u2028").replace("Python", "Py\x07thon")
    table = read_survey(write(tmp_path, f"{HEADER_LINE}\n{row}\n"), DAY)
    assert table.loc[0, "role"] == "ML[31m Engineer" and table.loc[0, "skills"] == "Python"


def test_short_rows_are_padded_with_blanks(tmp_path):
    short = ROW.rsplit(",", 3)[0]  # the last three answers missing
    table = read_survey(write(tmp_path, f"{HEADER_LINE}\n{short}\n"), DAY)
    assert (table.loc[0, ["skills", "buddy_preferences", "keep_registered"]] == "").all()


def test_nul_bytes_are_a_clear_error(tmp_path):
    with pytest.raises(SurveyError, match="2026-01-01.csv: the file holds NUL bytes"):
        read_survey(write(tmp_path, HEADER_LINE + "\n" + ROW.replace("Acme", "Ac\x00me") + "\n"), DAY)


def test_an_exactly_repeated_header_is_an_error_naming_both_columns(tmp_path):
    header = HEADER_LINE + ',"Your email address"'
    with pytest.raises(SurveyError, match="column 4 and column 16 are both 'email'"):
        read_survey(write(tmp_path, f"{header}\n{ROW},x@y.z\n"), DAY)


def test_an_oversized_field_names_the_line(tmp_path):
    row = ROW.replace('"Builds things, mostly."', '"' + "x" * 200_000 + '"')
    with pytest.raises(SurveyError, match=r"2026-01-01.csv: line 3: not a readable CSV record"):
        read_survey(write(tmp_path, f"{HEADER_LINE}\n{ROW}\n{row}\n"), DAY)


def test_non_latin_scripts_and_emoji_are_kept(tmp_path):
    row = ROW.replace("Ana Ruiz", "李小龍").replace("Builds things, mostly.", "Строю ML-системы 🚀 — مرحبا")
    table = read_survey(write(tmp_path, f"\ufeff{HEADER_LINE}\n{row}\n"), DAY)
    assert table.loc[0, "name"] == "李小龍" and table.loc[0, "summary"] == "Строю ML-системы 🚀 — مرحبا"


def test_one_line_escapes_what_could_forge_a_log_line():
    assert one_line("a\r\nERROR forged\x1b[0m\u2028") == "a\\r\\nERROR forged\\x1b[0m\\u2028"
    assert one_line("Zoë 🚀") == "Zoë 🚀"


# --- bounded fuzzing: whatever bytes arrive, the reader answers with a table or a SurveyError ---

_CELL = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30) | st.sampled_from(
    ['"', '""', ",", "\r\n", "\n", "\r", "=1+1", "a,b", ' "x" ', "\ufeff"])


def _read_or_survey_error(tmp_path, data: bytes):
    path = tmp_path / "2026-01-01.csv"
    path.write_bytes(data)
    try:
        table = read_survey(path, DAY)
    except SurveyError as error:
        assert "2026-01-01.csv" in str(error)
        return None
    assert list(table.columns) == ["round", "source_row", *HEADERS.values()]
    assert not table[list(HEADERS.values())].map(lambda v: "\r" in v or "\x00" in v).any().any()
    return table


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000))
def test_fuzz_random_bytes(tmp_path, data):
    _read_or_survey_error(tmp_path, data)
    _read_or_survey_error(tmp_path, HEADER_LINE.encode() + b"\n" + data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.lists(st.sampled_from(list(HEADERS)) | st.text(max_size=12), max_size=20),
       rows=st.lists(st.lists(_CELL, max_size=20), max_size=6),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_fuzz_random_csv_shapes(tmp_path, headers, rows, encoding, newline):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows([headers, *rows])
    table = _read_or_survey_error(tmp_path, buffer.getvalue().encode(encoding, errors="replace"))
    if table is not None and encoding != "utf-16":
        assert len(table) <= len(rows)
