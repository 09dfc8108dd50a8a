"""Roles, career stages, buddy preferences and places mapped onto fixed vocabularies."""

import datetime as dt

import pytest

from vc_pipeline.profile.geography import locate, utc_offset
from vc_pipeline.profile.taxonomy import ROLE_TITLES, map_career_stage, map_role, wants_similar_role
from vc_pipeline.survey.form import ROLES
from vc_pipeline.survey.reader import read_survey
from vc_pipeline_tests.conftest import SAMPLE_DIR, SAMPLE_ROUNDS


@pytest.mark.parametrize("title, role", [
    ("ML Engineer", "ML Engineer"), ("ml engineer ", "ML Engineer"), ("SE", "Software Engineer"),
    ("CTO", "Management"), ("Head of AI", "Management"), ("Prompt Designer", "ML Engineer"),
    ("MLOps/AI Consultant", "ML Engineer"), ("Cloud Architect", "Software Engineer"),
    ("Senior Data Scientist", "Data Scientist"), ("Research Scientist", "ML Scientist/Researcher"),
    ("PhD student", "Student"), ("Co-founder", "Founder"), ("DevRel", "Sales and Marketing"),
    ("Analytics Engineer", "Data Engineer"), ("Technical Writer", "Other"),
])
def test_free_text_roles_map_onto_the_taxonomy(title, role):
    assert map_role(title) == role


@pytest.mark.parametrize("title", ["", "Astronaut", "   "])
def test_unrecognised_roles_map_to_none(title):
    assert map_role(title) is None


def test_every_role_of_the_sample_maps_onto_the_taxonomy():
    for key in SAMPLE_ROUNDS:
        raw = read_survey(SAMPLE_DIR / f"{key}.csv", dt.date.fromisoformat(key))
        assert raw["role"].map(map_role).notna().all()


def test_synthetic_title_variants_keep_their_role():
    for role, titles in ROLE_TITLES.items():
        assert role in ROLES
        assert {map_role(t) for t in titles} == {role}


@pytest.mark.parametrize("answer, stage", [
    ("Undergrad / New Grad", 1), ("Undergrad/New Grad", 1), ("Graduate Student", 2),
    ("1 - 3 Years of Experience", 3), ("1–3 Years", 3), ("3 - 5 Years of Experience", 4),
    ("5-10 Years", 5), ("10+ Years of Experience", 6), ("10+ Years", 6), ("", None), ("ask me", None),
])
def test_career_stage_spellings(answer, stage):
    assert map_career_stage(answer) == stage


@pytest.mark.parametrize("answer, similar", [
    ("Buddy in a similar role", True), ("My Buddy should be in a similar role as me", True),
    ("No preference", False), ("No", False), ("", False),
])
def test_buddy_preference_spellings(answer, similar):
    assert wants_similar_role(answer) is similar


@pytest.mark.parametrize("location, region, offset", [
    ("Pune, India", "South Asia", 5.5), ("SF Bay Area", "North America", -8),
    ("Park City, UT, USA", "North America", -7), ("Remote - EU", "Europe", 1), ("", "Unknown", None),
    ("Remote", "Unknown", None), ("São Paulo, Brazil", "Latin America", -3), ("Sydney, Australia", "Oceania", 11),
])
def test_locations_map_to_region_and_offset_in_january(location, region, offset):
    place = locate(location)
    assert (place.region, utc_offset(place.time_zone, dt.date(2026, 1, 5))) == (region, offset)


@pytest.mark.parametrize("answer, cleaned", [
    ("Python\nSQL\n\nSpark", "Python, SQL, Spark"), ("Python; SQL", "Python, SQL"), ("CI/CD, Go", "CI/CD, Go"),
    ("  Kafka \r\n dbt ", "Kafka, dbt"), ("", ""),
])
def test_skill_lists_keep_their_items_apart(answer, cleaned):
    from vc_pipeline.profile.normalize import clean_list

    assert clean_list(answer) == cleaned
