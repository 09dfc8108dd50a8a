"""The round-at-a-glance tables: shares that add up, text lengths and blanks counted."""

import pandas as pd

from vc_pipeline.report.eda import members_overview, survey_overview, text_lengths
from vc_pipeline.report.tables_md import markdown_table


def raw_rows():
    return pd.DataFrame({"role": ["SE", "CTO", "Astronaut", "ML Engineer"],
                         "career_stage": ["10+ Years", "", "1 - 3 Years of Experience", "10+ Years"],
                         "location": ["Pune, India", "", "Berlin", "SF Bay Area"],
                         "summary": ["abcd", "", "ab", "abcdef"], "skills": ["x", "y", "", "z"],
                         "buddy_preferences": ["", "", "", "w"], "email": ["a@x.io", "b@x.io", "", "d@x.io"]})


def test_survey_overview_counts_roles_stages_regions_and_blanks():
    overview = survey_overview(raw_rows())
    roles = overview["roles"].set_index("role")["members"]
    assert roles.to_dict() == {"Software Engineer": 1, "Management": 1, "unrecognised": 1, "ML Engineer": 1}
    assert overview["career_stages"].set_index("career_stage")["members"]["unknown"] == 1
    assert abs(overview["regions"]["share"].sum() - 1) < 1e-9
    blanks = overview["blank_answers"].set_index("question")["blank"]
    assert blanks["email"] == 1 and blanks["buddy_preferences"] == 3


def test_text_lengths():
    lengths = text_lengths(raw_rows()).set_index("column")
    assert lengths.loc["summary", "blank"] == 1 and lengths.loc["summary", "median_chars"] == 3.0


def test_members_overview_and_markdown():
    members = pd.DataFrame({"role": ["Student", "Student"], "career_stage": [1, 2], "region": ["Europe", "Unknown"],
                            "wants_similar_role": [True, False], "summary": ["a|b", ""], "skills": ["", ""],
                            "buddy_preferences": ["", "x" * 100]})
    overview = members_overview(members)
    assert overview["roles"].iloc[0].to_dict() == {"role": "Student", "members": 2, "share": 1.0}
    text = markdown_table(members)
    assert "a\\|b" in text and "…" in text and text.count("\n") == 3
