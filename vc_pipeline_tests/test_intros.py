"""Intros: the offline writer, the OpenAI writer against the local stub, rendering with names."""

import datetime as dt

import duckdb
import pandas as pd
import pytest

from vc_pipeline.intros.llm_writer import IntroBatch
from vc_pipeline.intros.offline import GENERIC_STARTERS, offline_intro
from vc_pipeline.intros.render import markdown_section, slack_name, slack_text
from vc_pipeline.intros.round_intros import write_round_intros
from vc_pipeline.llm.structured import LlmSettings
from vc_pipeline.schemas import RoundIntros, schema_failures
from vc_pipeline.store.response_cache import StoreResponseCache
from vc_pipeline_tests.openai_stub import OpenAIStub

ROUND = dt.date(2026, 1, 1)
FITS = {"fit_preference": 0.5, "fit_skills": 0.7, "fit_role": 0.6, "fit_experience": 0.4, "fit_location": 1.0,
        "fit_preference_met": 1.0}


def _members(n: int = 5, **columns) -> pd.DataFrame:
    table = pd.DataFrame({
        "member_id": [f"{i:016x}" for i in range(n)],
        "role": ["ML Engineer", "Data Scientist"] * (n // 2) + ["Founder"] * (n % 2),
        "career_stage": [1, 5, 3, 3, 2][:n], "summary": ["builds pipelines"] * n,
        "skills": ["Python, Kubeflow", "python, Spark, Kubeflow", "SQL", "dbt, SQL", "Go"][:n],
        "buddy_preferences": ["someone who knows Spark", "", "", "", ""][:n],
        "has_wish": [True, False, False, False, False][:n], "wants_similar_role": [False] * n,
        "time_zone": ["Europe/Berlin", "America/Toronto", None, "Asia/Tokyo", "Europe/Paris"][:n],
    })
    return table.assign(**columns)


def _pairing(members: pd.DataFrame, summaries: dict | None = None) -> pd.DataFrame:
    ids = list(members["member_id"])
    rows = []
    for group_id, group in enumerate([ids[0:2], ids[2:4], ids[4:5]]):
        kind = {2: "pair", 1: "bye"}[len(group)]
        for mid in group:
            fits = FITS if kind == "pair" else {k: float("nan") for k in FITS}
            rows.append({"round": ROUND, "member_id": mid, "group_id": group_id, "kind": kind, **fits})
    return pd.DataFrame(rows)


def _intros(llm=None):
    members = _members()
    return write_round_intros(_pairing(members), members, ROUND, llm)


def test_offline_intros_have_why_two_or_three_starters_and_a_next_step_without_names():
    table, report = _intros()
    assert report is None and list(table["kind"]) == ["pair", "pair", "bye"]
    assert schema_failures(RoundIntros, table.assign(round=ROUND)) == []
    first = table.iloc[0]
    assert first["why"].startswith("We paired you because") and "python and kubeflow among your skills" in first["why"].casefold()
    starters = [first[f"icebreaker_{k}"] for k in (1, 2, 3) if isinstance(first[f"icebreaker_{k}"], str)]
    assert 2 <= len(starters) <= 3 and not set(starters) & set(GENERIC_STARTERS)
    # what one member's wish asks for and the other lists, then a shared skill, then the stage gap
    assert starters[0].startswith("{member_1} hopes to meet someone who knows Spark, which {member_2} lists")
    assert "Python" in starters[1] and "{member_2} has been at it longer (5-10 years)" in starters[2]
    assert first["message"] and "Toronto" in first["meeting_window"]
    assert table.iloc[1]["meeting_window"] == ""  # a member without a time zone
    bye = table.iloc[2]
    assert bye["why"].startswith("{member_1}, this round had an odd number") and pd.isna(bye["icebreaker_1"])
    assert (table["writer"] == "offline").all()
    assert table.equals(_intros()[0])  # deterministic


def test_a_pair_with_nothing_specific_in_common_still_gets_two_starters():
    members = _members(skills=["Go"] * 5, buddy_preferences=[""] * 5, has_wish=[False] * 5, career_stage=[3] * 5,
                       role=["ML Engineer"] * 5)
    group = _pairing(members).merge(members, on="member_id").head(2)
    intro = offline_intro(group)
    assert len(intro["icebreakers"]) == 3  # the shared skill, the shared role, a generic starter
    assert intro["icebreakers"][1] == "You are both ML Engineers: what does a normal week look like for each of you?"


def test_rendering_puts_names_in_and_escapes_for_each_target():
    table, _ = _intros()
    names = ["Ana *Lima*", "Bo <Chen> & co"]
    section = markdown_section(table.iloc[0], names)
    assert "Meet **Ana \\*Lima\\*** and **Bo \\<Chen\\> \\& co**!" in section and "{member_" not in section
    assert "- **Ana \\*Lima\\*** hopes to meet someone who knows Spark" in section
    message = slack_text(table.iloc[0], ["<@U1>", slack_name(names[1])])
    assert message.startswith(":coffee: Meet <@U1> and *Bo &lt;Chen&gt; &amp; co*!")
    assert "• <@U1> hopes to meet someone who knows Spark, which *Bo &lt;Chen&gt; &amp; co* lists" in message
    assert "overlap Mon–Fri" in message and "{member_" not in message


@pytest.fixture
def stub():
    with OpenAIStub() as server:
        yield server


def _llm(stub, connection, **extra):
    settings = LlmSettings(api_key="test-key", base_url=stub.base_url, timeout_seconds=10, max_retries=2, **extra)
    return settings, StoreResponseCache(connection, "intro_cache")


def test_openai_writes_pairs_and_triads_and_a_rerun_makes_no_request(stub, tmp_path):
    with duckdb.connect(str(tmp_path / "rounds.duckdb")) as connection:
        table, report = _intros(_llm(stub, connection))
        assert list(table["writer"]) == ["openai", "openai", "offline"]  # the bye is always offline
        assert report.requests == 1 and report.answered == 2 and len(stub.requests) == 1
        assert table.iloc[0]["why"].startswith("{member_1} and {member_2} were paired")
        assert schema_failures(RoundIntros, table.assign(round=ROUND)) == []
        sent = stub.requests[0]
        schema = sent["response_format"]["json_schema"]
        assert schema["name"] == "IntroBatch" and schema["strict"] is True
        starters = schema["schema"]["$defs"]["IntroAnswer"]["properties"]["icebreakers"]
        assert (starters["minItems"], starters["maxItems"]) == (2, 3)
        again, report = _intros(_llm(stub, connection))
        assert len(stub.requests) == 1 and report.cached_batches == 1 and again.equals(table)


@pytest.mark.parametrize("marker, reason", [("REFUSE", "refusal"), ("TRUNCATE", "truncated"),
                                            ("MALFORMED", "schema_mismatch"), ("BADPLACEHOLDER", "rejected")])
def test_an_unusable_answer_falls_back_to_the_offline_writer_per_group(stub, tmp_path, marker, reason):
    members = _members(summary=["builds pipelines", "builds pipelines", f"{marker} this", "x", "y"])
    with duckdb.connect(str(tmp_path / "rounds.duckdb")) as connection:
        table, report = write_round_intros(_pairing(members), members, ROUND, _llm(stub, connection, batch_size=1))
    assert list(table["writer"]) == ["openai", "offline", "offline"]
    assert dict(report.fallbacks) == {reason: 1}
    assert table.iloc[1]["why"].startswith("We paired you because")


def test_the_intro_schema_refuses_a_fourth_starter():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        IntroBatch.model_validate({"intros": [{"ref": "g0", "why": "w", "icebreakers": ["a", "b", "c", "d"], "message": "m"}]})
