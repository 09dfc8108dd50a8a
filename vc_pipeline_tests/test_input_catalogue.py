"""The input catalogue (issue 7) through the whole graph: bad but usable answers are accepted and
normalized, unusable rounds fail with our own message naming the file. Reader-level cases (encodings,
quoting, headers, NUL bytes, fuzzing) live in test_survey_reader.py; formula cells in exports in
test_export.py; the same email submitted twice in test_members.py and below."""

import datetime as dt
import json
import re

import dagster as dg
import duckdb
import numpy as np
import pandas as pd
import pytest

from vc_pipeline.embedding.model import MAX_CHARS, embed_texts
from vc_pipeline.embedding.profiles import profile_text
from vc_pipeline.profile.normalize import MAX_TEXT_CHARS
from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline_tests.conftest import materialize_round

# messy rounds through the whole Dagster pipeline
pytestmark = pytest.mark.slow

DAY = dt.date(2026, 3, 1)
KEY = f"{DAY:%Y-%m-%d}"
ROLE, STAGE, PREFERENCE = ("Which option best represents your role?",
                           "How would you characterize your current career stage?",
                           "Do you have a preference on who your buddy should be?")
SUMMARY, EMAIL, NAME, SUBMITTED = ("Tweet-sized summary of yourself", "Your email address", "Your name", "Submitted at")
FORGED = "FORGED-LOG-LINE"
LONG_SUMMARY = " ".join(f"I build retrieval pipelines, feature store number {i} and evaluation harnesses."
                        for i in range(150))[:10_000]


def _export(size: int, seed: int = 5) -> pd.DataFrame:
    export = generate_rounds([DAY], [size], seed=seed, duplicates=0)[DAY]
    export[PREFERENCE] = "No preference"  # no similar-role request unless a case sets one
    return export


def _run(tmp_path, export: pd.DataFrame):
    write_rounds(tmp_path / "surveys", {DAY: export})
    instance = dg.DagsterInstance.ephemeral()
    result = materialize_round(KEY, tmp_path / "rounds.duckdb", tmp_path / "surveys", instance=instance,
                               mode="passthrough", raise_on_error=False)
    return result, instance


def _table(database, name: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(f'SELECT * FROM vc."{name}"').fetchdf()


def _failure(result) -> str:
    failure = next(e for e in result.all_events if e.is_step_failure)
    return failure.step_failure_data.user_failure_data.description


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def event_log_strings(instance) -> list[str]:
    """Every string in every event of the instance's runs: log messages, metadata, errors."""
    return [text for run in instance.get_runs() for entry in instance.all_logs(run.run_id)
            for text in _strings(json.loads(dg.serialize_value(entry)))]


@pytest.fixture(scope="module")
def messy_round(tmp_path_factory):
    """One round holding every answer that is odd but usable."""
    folder = tmp_path_factory.mktemp("messy")
    export = _export(10)
    export.loc[0, SUMMARY] = LONG_SUMMARY
    export.loc[1, NAME], export.loc[1, SUMMARY] = "李小龍", "Строю ML-системы 🚀 и люблю 日本語 — مرحبا"
    export.loc[2, SUMMARY] = f"Data person.\r\n{FORGED} ERROR injected\r\n"
    export.loc[2, ROLE] = f"ML Engineer\r\n{FORGED} WARNING injected"
    export.loc[3, [ROLE, STAGE, PREFERENCE]] = ["Wizard of Oz", "Forever young", "Maybe?"]
    again = export.loc[[4]].assign(**{SUBMITTED: "2099-01-01 00:00:00", SUMMARY: "My newer answer."})
    again[EMAIL] = export.loc[4, EMAIL].upper()  # same person, other case
    export = pd.concat([export, again], ignore_index=True)
    result, instance = _run(folder, export)
    return {"result": result, "instance": instance, "database": folder / "rounds.duckdb", "export": export}


def _member(messy_round, row: int) -> pd.Series:
    from vc_pipeline.members.pseudonym import member_id

    members = _table(messy_round["database"], "normalized_members").set_index("member_id")
    return members.loc[member_id(messy_round["export"].loc[row, EMAIL], "test-hash-key")]


def test_the_messy_round_completes(messy_round):
    assert messy_round["result"].success
    assert len(_table(messy_round["database"], "ilp_pairing")) == 10  # 11 rows, 10 people, all paired


def test_a_10000_character_summary_is_bounded_before_the_model(messy_round):
    member = _member(messy_round, 0)
    assert len(member["summary"]) == MAX_TEXT_CHARS < len(LONG_SUMMARY)  # bounded in normalized_members
    long, cut = embed_texts([LONG_SUMMARY, LONG_SUMMARY[:MAX_CHARS]])
    np.testing.assert_array_equal(long, cut)  # and the model never sees more than MAX_CHARS


def test_a_long_summary_leaves_room_for_the_skills():
    """Skills come after the summary: a long summary must not push them out of the model's window."""
    texts = [profile_text(LONG_SUMMARY, skills) for skills in ("Kubernetes, Rust, GPU kernels", "Accounting, payroll")]
    assert all(t.endswith(("Skills: Kubernetes, Rust, GPU kernels", "Skills: Accounting, payroll")) for t in texts)
    assert all(len(t) < MAX_CHARS for t in texts)
    infra, finance = embed_texts(texts)
    assert float(infra @ finance) < 0.99  # the skills changed what the model saw


def test_non_latin_scripts_and_emoji_survive_and_embed(messy_round):
    member = _member(messy_round, 1)
    assert "Строю ML-системы 🚀" in member["summary"] and "日本語" in member["summary"]
    vectors = _table(messy_round["database"], "embeddings").set_index("member_id")
    assert np.linalg.norm(np.asarray(vectors.loc[member.name, "profile"])) == pytest.approx(1.0, abs=1e-5)


def test_line_breaks_in_values_never_forge_a_log_line(messy_round):
    texts = event_log_strings(messy_round["instance"])
    assert any("Data person." in t for t in texts)  # the value did reach the event log (preview)
    assert not any(c in t for t in texts for c in ("\r", "\u2028", "\x1b"))
    assert not any(re.search(rf"(^|\n)\W*{FORGED}", t) for t in texts)
    raw = _table(messy_round["database"], "raw_survey")
    assert not raw["summary"].str.contains("\r").any()  # stored with \n only


def test_unknown_dropdown_values_are_flagged_counted_and_still_paired(messy_round):
    member = _member(messy_round, 3)
    assert not member["role_recognised"] and not member["career_stage_known"] and not member["wants_similar_role"]
    (event,) = [e for e in messy_round["result"].get_asset_materialization_events()
                if e.asset_key.to_user_string() == "normalized_members"]
    metadata = event.materialization.metadata
    assert metadata["roles_unrecognised"].value >= 1 and metadata["career_stages_missing"].value >= 1
    assert member.name in set(_table(messy_round["database"], "ilp_pairing")["member_id"])


def test_the_same_email_twice_keeps_the_latest_and_counts_it(messy_round):
    (event,) = [e for e in messy_round["result"].get_asset_materialization_events()
                if e.asset_key.to_user_string() == "synthetic_members"]
    assert event.materialization.metadata["duplicate_submissions"].value == 1
    assert _member(messy_round, 4)["summary"] == "My newer answer."


def test_one_respondent_gets_a_bye(tmp_path):
    result, _ = _run(tmp_path, _export(1))
    assert result.success
    pairing = _table(tmp_path / "rounds.duckdb", "ilp_pairing")
    assert list(pairing["kind"]) == ["bye"] and len(_table(tmp_path / "rounds.duckdb", "score_matrix")) == 0


def test_two_similar_role_requests_with_different_roles_warn_and_pair_them(tmp_path):
    export = _export(2)
    export[ROLE] = ["ML Engineer", "Data Engineer"]
    export[PREFERENCE] = "Buddy in a similar role"
    result, _ = _run(tmp_path, export)
    assert result.success
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "hard_constraints"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["violations"].value.count("asked for a similar role") == 2
    assert set(_table(tmp_path / "rounds.duckdb", "ilp_pairing")["kind"]) == {"pair"}


@pytest.mark.parametrize("blank_rows", [0, 3], ids=["header_only", "blank_rows_only"])
def test_zero_respondents_fail_naming_the_file_and_store_nothing(tmp_path, blank_rows):
    export = _export(3).iloc[:0]
    export = pd.concat([export, pd.DataFrame([[""] * len(export.columns)] * blank_rows, columns=export.columns)])
    result, _ = _run(tmp_path, export)
    assert not result.success
    assert re.fullmatch(rf".*{KEY}\.csv: no respondents .*nothing to pair", _failure(result))
    assert not result.get_asset_materialization_events()
