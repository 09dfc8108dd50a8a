"""Reading a form export: canonical columns, header variants, and clear errors."""

import datetime as dt

import pytest

from vc_pipeline.survey.form import HEADERS
from vc_pipeline.survey.reader import SurveyError, read_survey

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


@pytest.mark.parametrize("encoding, prefix", [("utf-8", "\ufeff"), ("cp1252", ""), ("utf-8", "")])
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
