"""The organizer export: names and contacts joined back, formula-safe CSV, intros, and the asset."""

import csv
import datetime as dt

import dagster as dg
import duckdb
import pandas as pd
import pytest

from vc_pipeline.defs.organizer_export import organizer_export
from vc_pipeline.export.intros import intros_markdown
from vc_pipeline.export.organizer import escape_cell, group_people, pairs_table, write_pairs_csv, write_round_export
from vc_pipeline.intros.reasons import shared_skills
from vc_pipeline.intros.render import escape_markdown
from vc_pipeline.intros.round_intros import write_round_intros
from vc_pipeline.members.pseudonym import member_id
from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline_tests.conftest import TEST_KEY, round_assets, round_resources
from vc_pipeline_tests.test_small_rounds import _feasible

ROUND = dt.date(2026, 1, 1)
PEOPLE = [  # name, email, slack, linkedin, role, skills
    ("Ana Lima", "ana.lima@example.org", "@analima", "https://linkedin.com/in/ana", "ML Engineer",
     "Python, Kubeflow, Docker"),
    ("Bo Chen", "Bo.Chen@Example.org", "@bochen", "", "Data Engineer", "docker, Spark, python"),
    ("Cy Diaz", "cy@example.org", "", "https://linkedin.com/in/cy", "Founder", "fundraising"),
]


def _raw_survey() -> pd.DataFrame:
    rows = [{"round": ROUND, "source_row": i + 2, "respondent_id": f"r{i}", "submitted_at": f"2025-12-2{i} 10:00",
             "name": name, "email": email, "slack_handle": slack, "linkedin_url": url, "company": "Acme",
             "role": role, "career_stage": "3-5 Years", "location": "Berlin", "buddy_preference": "No",
             "summary": "", "skills": skills, "buddy_preferences": "", "keep_registered": "Yes"}
            for i, (name, email, slack, url, role, skills) in enumerate(PEOPLE)]
    outdated = dict(rows[0], source_row=1, submitted_at="2025-12-01 09:00", name="Ana Old", slack_handle="@old")
    return pd.DataFrame([outdated, *rows])


def _ids() -> list[str]:
    return [member_id(email, TEST_KEY) for _, email, *_ in PEOPLE]


def _members(names=("Fab One", "Fab Two", "Fab Three")) -> pd.DataFrame:
    return pd.DataFrame({
        "round": ROUND, "member_id": _ids(), "display_name": list(names),
        "role": [p[4] for p in PEOPLE], "skills": [p[5] for p in PEOPLE],
        "has_wish": [True, False, False], "wants_similar_role": [False, False, False],
        "time_zone": ["Europe/Berlin", "America/Toronto", None], "career_stage": [3, 3, 5],
        "summary": ["", "", ""], "buddy_preferences": ["someone who knows Spark", "", ""],
    })


def _intros_md(pairing: pd.DataFrame, members: pd.DataFrame, mode: str = "passthrough") -> str:
    people = group_people(pairing, members, _raw_survey(), mode, TEST_KEY)
    return intros_markdown(write_round_intros(pairing, members, ROUND)[0], people, ROUND)


def _pairing() -> pd.DataFrame:
    a, b, c = _ids()
    fits = {"fit_preference": 0.5, "fit_skills": 0.7, "fit_role": 0.6, "fit_experience": 1.0,
            "fit_location": 1.0, "fit_preference_met": 1.0}
    pair = {"group_id": 0, "kind": "pair", "score": 0.8, "low_quality": False, "violations": "", **fits}
    bye = {"group_id": 1, "kind": "bye", "partner_id": None, "score": float("nan"), "low_quality": False,
           "violations": "", **{k: float("nan") for k in fits}}
    return pd.DataFrame([
        {"round": ROUND, "member_id": a, "partner_id": b, "backup_1": c, "backup_2": None, **pair},
        {"round": ROUND, "member_id": b, "partner_id": a, "backup_1": c, "backup_2": None, **pair},
        {"round": ROUND, "member_id": c, "backup_1": a, "backup_2": b, **bye},
    ])


def _group_rows(people: pd.DataFrame) -> dict[int, dict]:
    return {int(row["Group"]): row for _, row in pairs_table(people).iterrows()}


def test_passthrough_joins_the_latest_names_and_contacts_back_to_the_pairs():
    people = group_people(_pairing(), _members(), _raw_survey(), "passthrough", TEST_KEY)
    pair, bye = _group_rows(people)[0], _group_rows(people)[1]
    persons = {(pair[f"Person {k} name"], pair[f"Person {k} email"], pair[f"Person {k} Slack handle"]) for k in (1, 2)}
    assert persons == {("Ana Lima", "ana.lima@example.org", "analima"), ("Bo Chen", "Bo.Chen@Example.org", "bochen")}
    assert {pair["Person 1 role"], pair["Person 2 role"]} == {"ML Engineer", "Data Engineer"}
    assert pair["Kind"] == "pair" and pair["Score"] == "0.800" and pair["Person 3 name"] == ""
    assert bye["Kind"] == "bye" and bye["Score"] == "" and bye["Person 1 name"] == "Cy Diaz"
    assert bye["Person 1 backups"] == "Ana Lima; Bo Chen"  # backup_1 first


def test_passthrough_under_another_key_fails_without_naming_anyone():
    with pytest.raises(ValueError, match="3 of the round's 3") as error:
        group_people(_pairing(), _members(), _raw_survey(), "passthrough", "another-key")
    assert "example.org" not in str(error.value) and "Ana" not in str(error.value)


def test_synthetic_mode_exports_display_names_and_no_contacts():
    people = group_people(_pairing(), _members(), _raw_survey(), "synthetic", TEST_KEY)
    table = pairs_table(people)
    assert set(table["Person 1 name"]) | set(table["Person 2 name"]) == {"Fab One", "Fab Two", "Fab Three", ""}
    contact_columns = [c for c in table.columns if c.endswith(("email", "Slack handle", "LinkedIn"))]
    assert (table[contact_columns] == "").all().all()
    assert "Ana Lima" not in table.to_csv()


def test_escape_cell_prefixes_formula_starts_only():
    assert [escape_cell(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "\rx", "a=b", "", None, 0.5)] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "a=b", "", "", "0.5"]


def test_a_formula_in_a_cell_is_written_escaped(tmp_path):
    raw = _raw_survey()
    raw.loc[raw["email"] == "cy@example.org", "name"] = '=HYPERLINK("http://evil.example","click")'
    people = group_people(_pairing(), _members(), raw, "passthrough", TEST_KEY)
    path = write_pairs_csv(pairs_table(people), tmp_path / "pairs.csv")
    raw_bytes = path.read_bytes()
    assert raw_bytes.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    with path.open(encoding="utf-8-sig", newline="") as file:
        cells = [cell for row in csv.reader(file) for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "analima" in cells and "'@analima" not in cells and "Cy Diaz" not in cells  # handles pasteable


def test_slack_handles_lose_their_at_sign_and_keep_the_escape_for_other_starts():
    from vc_pipeline.export.organizer import slack_handle

    assert [slack_handle(h) for h in ("@ana", " @@bo ", "cy", "", None)] == ["ana", "bo", "cy", "", ""]
    assert escape_cell(slack_handle("-dash")) == "'-dash"  # any other formula start is still escaped


def test_intros_name_shared_skills_and_the_wish_once_per_group():
    text = _intros_md(_pairing(), _members())
    assert text.count("## Group ") == 2 and text.index("## Group 0") < text.index("## Group 1")
    pair_section, bye_section = text.split("## Group 0")[1].split("## Group 1")
    assert "Meet **Ana Lima** and **Bo Chen**!" in pair_section or "Meet **Bo Chen** and **Ana Lima**!" in pair_section
    skills_line = next(line for line in pair_section.splitlines() if "among your skills" in line).casefold()
    assert "python" in skills_line and "docker" in skills_line and "kubeflow" not in skills_line
    assert "what **Ana Lima** said they were looking for" in pair_section
    assert "**Cy Diaz**" in bye_section and "Meet" not in bye_section
    assert "example.org" not in text  # contacts stay in pairs.csv


def test_shared_skills_ignore_case_and_keep_the_first_spelling():
    assert shared_skills(["Python, Kubeflow, Docker", "docker, Spark, python"]) == ["Python", "Docker"]
    assert shared_skills(["Python, SQL", "python", "SQL"]) == []
    assert shared_skills(["Python"]) == []
    assert shared_skills(["Go / CI/CD; Rust", "rust, ci/cd"]) == ["CI/CD", "Rust"]


def test_markdown_in_names_is_escaped():
    members = _members(names=("*Bold* [link](x)", "Under_score", "#1 <b>"))
    text = _intros_md(_pairing(), members, "synthetic")
    assert r"\*Bold\* \[link\]\(x\)" in text and r"Under\_score" in text and r"\#1 \<b\>" in text
    assert escape_markdown("a\nb") == "a b"


def test_write_round_export_writes_both_files_and_counts(tmp_path):
    intros = write_round_intros(_pairing(), _members(), ROUND)[0]
    export = write_round_export(_pairing(), _members(), _raw_survey(), intros, "passthrough", TEST_KEY,
                                tmp_path / "2026-01-01", ROUND)
    assert export.pairs_csv.exists() and export.intros_md.exists()
    assert (export.members, export.pairs, export.triads, export.byes, export.members_with_email) == (3, 1, 0, 1, 3)


@pytest.mark.slow
def test_the_asset_exports_every_group_with_the_respondents_emails(tmp_path):
    day = dt.date(2026, 3, 1)
    exports = generate_rounds([day], [9], seed=11, duplicates=0)
    write_rounds(tmp_path / "surveys", {d: _feasible(t) for d, t in exports.items()})
    database = tmp_path / "rounds.duckdb"
    assets = [a for a in round_assets() if organizer_export.key not in a.keys] + [organizer_export]
    result = dg.materialize(assets, partition_key=f"{day:%Y-%m-%d}", resources=round_resources(
        database, tmp_path / "surveys", mode="passthrough"))
    assert result.success
    with duckdb.connect(str(database), read_only=True) as connection:
        groups = connection.execute('SELECT count(DISTINCT group_id) FROM vc.ilp_pairing').fetchall()[0][0]
    with (tmp_path / "exports" / "2026-03-01" / "pairs.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == groups == 5
    exported = {row[f"Person {k} email"] for row in rows for k in (1, 2, 3)} - {""}
    assert exported == set(exports[day]["Your email address"])
    assert (tmp_path / "exports" / "2026-03-01" / "intros.md").read_text().count("## Group ") == groups
    metadata = result.asset_materializations_for_node("organizer_export")[0].metadata
    assert metadata["members"].value == 9 and metadata["byes"].value == 1
    assert not any(email in str(metadata) for email in exported)


def test_a_triad_is_one_row_with_three_people_and_one_intro():
    triad = _pairing().assign(group_id=0, kind="triad", score=0.6, fit_preference_met=0.0)
    members = _members().assign(skills=["Python, SQL", "sql; python", "Python / SQL"])
    people = group_people(triad, members, _raw_survey(), "passthrough", TEST_KEY)
    (row,) = [row for _, row in pairs_table(people).iterrows()]
    assert row["Kind"] == "triad" and {row[f"Person {k} name"] for k in (1, 2, 3)} == {p[0] for p in PEOPLE}
    text = _intros_md(triad, members)
    assert text.count("## Group ") == 1 and text.count("Meet ") == 1 and ", **" in text.split("Meet ")[1]
    assert any(f"you all list {a} and {b} among your skills." in text.casefold()
               for a, b in (("python", "sql"), ("sql", "python")))
    assert "looking for" not in text
