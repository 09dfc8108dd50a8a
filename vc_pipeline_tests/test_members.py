"""The privacy boundary: pseudonymous ids, dedupe, redaction, paraphrase, fabricated names."""

import datetime as dt
import re

import pandas as pd
import pytest

from vc_pipeline.members.build import build_members
from vc_pipeline.members.paraphrase import paraphrase_skills, paraphrase_text
from vc_pipeline.members.pseudonym import member_id
from vc_pipeline.members.redact import redact_own_details
from vc_pipeline.profile.geography import locate
from vc_pipeline.profile.taxonomy import map_career_stage, map_role
from vc_pipeline.survey.form import PII_COLUMNS
from vc_pipeline.survey.latest import latest_submissions
from vc_pipeline.survey.reader import read_survey
from vc_pipeline_tests.conftest import SAMPLE_DIR, SAMPLE_ROUNDS


@pytest.fixture(scope="module")
def raw_rounds():
    return [read_survey(SAMPLE_DIR / f"{k}.csv", dt.date.fromisoformat(k)) for k in SAMPLE_ROUNDS]


def test_member_id_is_stable_case_insensitive_and_keyed():
    assert member_id("Ana@Example.org ", "k1") == member_id("ana@example.org", "k1")
    assert member_id("ana@example.org", "k1") != member_id("ana@example.org", "k2")
    assert member_id("ana@example.org", "k1") != member_id("bob@example.org", "k1")
    assert re.fullmatch(r"[0-9a-f]{16}", member_id("ana@example.org", "k1"))


def test_latest_submission_wins_and_is_counted(raw_rounds):
    second = raw_rounds[1]
    latest = latest_submissions(second)
    assert len(latest) == len(second) - 1
    assert not latest["summary"].str.startswith("(draft)").any()  # the earlier draft lost


@pytest.mark.parametrize("mode", ["synthetic", "passthrough"])
def test_members_carry_no_pii_column_and_one_row_per_person(raw_rounds, mode):
    members = build_members(raw_rounds[1], mode, "k")
    assert not set(PII_COLUMNS) & set(members.table.columns)
    assert len(members.table) == members.respondents == raw_rounds[1]["email"].str.casefold().nunique()
    assert members.table["member_id"].is_unique


def test_passthrough_ids_follow_the_person_across_rounds(raw_rounds):
    first, second = (build_members(r, "passthrough", "k").table for r in raw_rounds)
    returning = set(raw_rounds[0]["email"]) & set(raw_rounds[1]["email"])
    assert len(set(first["member_id"]) & set(second["member_id"])) == len(returning)


def test_synthetic_members_differ_from_their_respondents(raw_rounds):
    raw = raw_rounds[0]
    members = build_members(raw, "synthetic", "k").table
    names = {n.casefold() for n in raw["name"]}
    assert not {n.casefold() for n in members["display_name"]} & names
    sentences = {s.strip().casefold() for t in raw["summary"] for s in re.split(r"[.!?]", t) if len(s.strip()) > 15}
    summaries = " ".join(members["summary"]).casefold()
    assert [s for s in sentences if s in summaries] == []


def test_synthetic_noise_is_controlled(raw_rounds):
    raw = raw_rounds[0]
    members = build_members(raw, "synthetic", "k").table
    # every member's role title still maps onto the taxonomy; stages stay on the scale
    assert members["role"].map(map_role).notna().all()
    assert members["career_stage"].map(map_career_stage).between(1, 6).all()
    raw_regions = raw["location"].map(lambda x: locate(x).region).value_counts(normalize=True)
    ours = members["location"].map(lambda x: locate(x).region).value_counts(normalize=True)
    distance = 0.5 * raw_regions.subtract(ours, fill_value=0).abs().sum()
    assert 0 < distance < 0.3


def test_synthetic_members_are_deterministic(raw_rounds):
    once = build_members(raw_rounds[0], "synthetic", "k").table
    again = build_members(raw_rounds[0], "synthetic", "k").table
    pd.testing.assert_frame_equal(once, again)


def test_redaction_covers_name_parts_company_and_contacts():
    text = ("I'm Ana Ruiz (ana) from Ruiz, Lopez and Vega; mail ana.ruiz@x.io, "
            "slack @anar, www.linkedin.com/in/ana-ruiz. Ruiz-Lopez-Vega is hiring.")
    out = redact_own_details(text, name="Ana Ruiz", email="ana.ruiz@x.io", slack_handle="@anar",
                             linkedin_url="www.linkedin.com/in/ana-ruiz", company="Ruiz, Lopez and Vega")
    for secret in ("ana", "ruiz", "lopez", "vega", "x.io", "anar", "linkedin"):
        assert secret not in out.casefold()
    assert "hiring" in out


def test_paraphrase_keeps_topics_drops_sentences_and_is_deterministic():
    text = "I am a data scientist working on fraud detection. I love hiking."
    out = paraphrase_text(text, 7)
    assert out == paraphrase_text(text, 7)
    assert "fraud detection" in out and "hiking" in out
    assert "i am a data scientist working on fraud detection" not in out.casefold()
    assert paraphrase_text("", 1) == ""


def test_paraphrased_skills_keep_most_items():
    skills = "Python, PyTorch, Kubernetes, SQL"
    out = paraphrase_skills(skills, 3)
    assert sum(s.casefold() in out.casefold() for s in ("python", "pytorch", "sql")) == 3
    assert out != skills


def test_the_boundary_schema_rejects_any_pii_column(raw_rounds):
    from vc_pipeline.schemas import SyntheticMembers, schema_failures

    members = build_members(raw_rounds[0], "synthetic", "k").table
    assert schema_failures(SyntheticMembers, members) == []
    leaked = members.assign(email=raw_rounds[0]["email"].iloc[: len(members)].to_numpy())
    (failure,) = schema_failures(SyntheticMembers, leaked)
    assert (failure.column, failure.check) == ("email", "column_in_schema")


def test_offline_paraphrase_keeps_the_meaning_the_model_sees(raw_rounds):
    """Matching on synthetic members resembles matching on the originals: a paraphrased profile
    stays close to its source in embedding space, much closer than to other members."""
    import numpy as np

    from vc_pipeline.embedding.model import embed_texts
    from vc_pipeline.embedding.profiles import profile_text

    raw = raw_rounds[0]
    raw = raw[raw["summary"] != ""].head(40)
    original = [profile_text(s, k) for s, k in zip(raw["summary"], raw["skills"])]
    rewritten = [profile_text(paraphrase_text(s, i), paraphrase_skills(k, i))
                 for i, (s, k) in enumerate(zip(raw["summary"], raw["skills"]))]
    similarity = embed_texts(original) @ embed_texts(rewritten).T
    own = np.diag(similarity)
    assert own.mean() > 0.8
    assert (similarity.argmax(axis=1) == np.arange(len(raw))).mean() > 0.8  # each finds its source


def test_header_variants_cannot_smuggle_pii_past_the_boundary(tmp_path, raw_rounds):
    from vc_pipeline.survey.form import HEADERS
    from vc_pipeline.survey.reader import SurveyError
    from vc_pipeline.survey.reader import read_survey as read

    raw = raw_rounds[0].head(6)
    export = raw.drop(columns=["round", "source_row"]).rename(columns={c: f"  {h.upper()} " for h, c in HEADERS.items()})
    export["Contact"] = raw["linkedin_url"].to_numpy()
    export["Email.1"] = raw["email"].to_numpy()  # a second email column, as a re-export names it
    export.to_csv(tmp_path / "2026-10-01.csv", index=False)
    with pytest.raises(SurveyError, match="are both 'email'"):
        read(tmp_path / "2026-10-01.csv", dt.date(2026, 10, 1))
    export.drop(columns=["Email.1"]).to_csv(tmp_path / "2026-10-01.csv", index=False)
    again = read(tmp_path / "2026-10-01.csv", dt.date(2026, 10, 1))
    assert "Contact" not in again.columns and len(again) == 6  # stray spaces and case still read
    members = build_members(again, "synthetic", "k").table.astype(str).to_csv().casefold()
    for value in list(raw["email"]) + [u for u in raw["linkedin_url"] if u] + list(raw["name"]):
        assert value.casefold() not in members
