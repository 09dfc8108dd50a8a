"""Carry-over: "Keep me registered" = Yes brings a respondent into later rounds, from a real DuckDB store."""

import csv
import datetime as dt

import pandas as pd
import pytest

from vc_pipeline.schemas import RawSurvey, schema_failures
from vc_pipeline.store.tables import connect, qualified, replace_round
from vc_pipeline.survey.carry_over import carried_over, with_carry_over
from vc_pipeline.survey.form import COLUMNS, HEADERS
from vc_pipeline.survey.reader import read_survey

ROUND_1, ROUND_2, ROUND_3 = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
NEXT = {ROUND_1: ROUND_2, ROUND_2: ROUND_3, ROUND_3: dt.date(2026, 4, 1)}
ASK = "Ask me again next time"


def person(email: str, keep: str, *, at: str = "2026-01-01 10:00", role: str = "ML Engineer",
           summary: str = "Builds things.") -> dict:
    name = email.split("@")[0].title()
    return {"respondent_id": f"r-{name}", "submitted_at": at, "name": name, "email": email,
            "slack_handle": f"@{name}", "linkedin_url": "", "company": "Acme", "role": role,
            "career_stage": "3-5 Years", "location": "Lima, Peru", "buddy_preference": "No",
            "summary": summary, "skills": "Python", "buddy_preferences": "", "keep_registered": keep}


def export(tmp_path, round_date: dt.date, people: list[dict]) -> pd.DataFrame:
    """A round's rows as the pipeline reads them: a CSV with the form's headers through read_survey."""
    path = tmp_path / f"{round_date:%Y-%m-%d}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(list(HEADERS))
        writer.writerows([[p[c] for c in COLUMNS] for p in people])
    return read_survey(path, round_date)


def store(connection, round_date: dt.date, rows: pd.DataFrame) -> None:
    start = dt.datetime.combine(round_date, dt.time())
    replace_round(connection, "raw_survey", rows, start, dt.datetime.combine(NEXT[round_date], dt.time()))


@pytest.fixture
def connection(tmp_path):
    # named vc.duckdb on purpose: the catalog `vc` then clashes with schema `vc` unless qualified
    with connect(tmp_path / "vc.duckdb") as db:
        yield db


@pytest.fixture
def two_rounds(tmp_path, connection):
    """Rounds 1 and 2 stored; round 3's own export returned."""
    store(connection, ROUND_1, export(tmp_path, ROUND_1, [
        person("ana@example.org", "Yes", summary="Round one Ana."),
        person("bo@example.org", "Yes"),
        person("cy@example.org", "Yes"),
        person("di@example.org", ASK),
    ]))
    store(connection, ROUND_2, export(tmp_path, ROUND_2, [
        person(" ANA@Example.org ", " yes ", at="2026-02-01 09:00", role="Data Scientist", summary="Round two Ana."),
        person("cy@example.org", ASK, at="2026-02-01 09:00"),
        person("ed@example.org", "Yes", at="2026-02-01 09:00"),
        person("fa@example.org", ASK, at="2026-02-01 09:00"),
        person("fa@example.org", "Yes", at="2026-02-01 11:00"),  # re-submitted the same round: latest wins
    ]))
    return export(tmp_path, ROUND_3, [
        person("ed@example.org", ASK, at="2026-03-01 08:00"),
        person("gu@example.org", "Yes", at="2026-03-01 08:00"),
    ])


def by_email(rows: pd.DataFrame) -> dict[str, pd.Series]:
    return {r["email"].strip().casefold(): r for _, r in rows.iterrows()}


def test_yes_person_absent_this_round_is_carried_once_with_latest_answers(connection, two_rounds):
    carried = carried_over(connection, ROUND_3, two_rounds)
    rows = by_email(carried)
    assert len(carried) == len(rows), "each person at most once"
    ana = rows["ana@example.org"]
    assert ana["summary"] == "Round two Ana." and ana["role"] == "Data Scientist"
    assert ana["submitted_at"] == "2026-02-01 09:00" and ana["email"] == "ANA@Example.org"
    assert bool(ana["carried_over"]) is True and ana["round"] == ROUND_3
    # bo answered Yes in round 1 only and never again: still registered in round 3
    assert "bo@example.org" in rows
    assert list(carried.columns) == ["round", "source_row", *COLUMNS, "carried_over"]
    assert carried["carried_over"].dtype == bool and set(carried["round"]) == {ROUND_3}


def test_yes_person_present_this_round_is_not_duplicated(connection, two_rounds):
    carried = carried_over(connection, ROUND_3, two_rounds)
    # ed said Yes in round 2 and re-submitted this round with "Ask me again": the new answer stands
    assert "ed@example.org" not in by_email(carried)
    combined = with_carry_over(connection, ROUND_3, two_rounds)
    people = combined["email"].str.strip().str.casefold()
    assert not people.duplicated().any()
    ed = combined[people == "ed@example.org"].iloc[0]
    assert ed["keep_registered"] == ASK and not ed["carried_over"]


def test_yes_then_ask_again_is_not_carried(connection, two_rounds):
    rows = by_email(carried_over(connection, ROUND_3, two_rounds))
    assert "cy@example.org" not in rows  # Yes in round 1, "Ask me again" in round 2
    assert "di@example.org" not in rows  # never said Yes
    assert "fa@example.org" in rows  # "Ask me again", then Yes later the same round


def test_carried_set_is_exact(connection, two_rounds):
    assert set(by_email(carried_over(connection, ROUND_3, two_rounds))) == {
        "ana@example.org", "bo@example.org", "fa@example.org"}


def test_no_raw_survey_table_carries_nothing(tmp_path, connection):
    current = export(tmp_path, ROUND_1, [person("ana@example.org", "Yes")])
    carried = carried_over(connection, ROUND_1, current)
    assert carried.empty and list(carried.columns) == ["round", "source_row", *COLUMNS, "carried_over"]
    combined = with_carry_over(connection, ROUND_1, current)
    assert len(combined) == 1 and list(combined["carried_over"]) == [False]
    assert combined.drop(columns="carried_over").equals(current)


def test_later_round_rows_are_never_carried_into_an_earlier_round(tmp_path, connection, two_rounds):
    current_1 = export(tmp_path, ROUND_1, [person("zed@example.org", ASK)])
    assert carried_over(connection, ROUND_1, current_1).empty  # round 2's Yes people are later
    current_2 = export(tmp_path, ROUND_2, [person("zed@example.org", ASK)])
    rows = by_email(carried_over(connection, ROUND_2, current_2))
    # only round 1 counts: cy is still a Yes there, ed and fa (round 2 itself) are not carried
    assert set(rows) == {"ana@example.org", "bo@example.org", "cy@example.org"}
    assert rows["ana@example.org"]["summary"] == "Round one Ana."


def test_source_row_stays_unique_and_follows_the_export(connection, two_rounds):
    current = two_rounds.assign(source_row=[3, 7])  # numbering need not be contiguous
    combined = with_carry_over(connection, ROUND_3, current)
    assert combined["source_row"].is_unique
    assert list(combined.loc[combined["carried_over"], "source_row"]) == [8, 9, 10]
    assert list(combined.loc[~combined["carried_over"], "source_row"]) == [3, 7]


def test_empty_export_still_gets_carried_rows_numbered_from_one(tmp_path, connection, two_rounds):
    empty = export(tmp_path, ROUND_3, [])
    combined = with_carry_over(connection, ROUND_3, empty)
    # ed is carried too now: his "Ask me again" answer was in the export that is now empty
    assert set(by_email(combined)) == {"ana@example.org", "bo@example.org", "fa@example.org", "ed@example.org"}
    assert list(combined["source_row"]) == [1, 2, 3, 4] and combined["carried_over"].all()


def test_combined_round_is_valid_raw_survey_and_can_be_stored_and_carried_again(connection, two_rounds):
    combined = with_carry_over(connection, ROUND_3, two_rounds)
    assert schema_failures(RawSurvey, combined) == []
    # the stored rows are identical to what read_survey gave, so the earlier rounds are untouched
    name = qualified(connection, "raw_survey")
    before = connection.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
    assert before == 9
    # a round stored with its carried rows feeds the next round: bo stays registered in round 4;
    # the table stored before the flag existed gains the column instead of failing the insert
    store(connection, ROUND_3, combined)
    assert connection.execute(f"SELECT count(*) FROM {name} WHERE carried_over IS NULL").fetchall()[0][0] == 9
    round_4 = NEXT[ROUND_3]
    rows = by_email(carried_over(connection, round_4, combined.iloc[:0][["round", "source_row", *COLUMNS]]))
    assert set(rows) == {"ana@example.org", "bo@example.org", "fa@example.org", "gu@example.org"}
    assert "carried_over" in rows["bo@example.org"] and rows["bo@example.org"]["round"] == round_4
