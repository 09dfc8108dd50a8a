"""No email, Slack handle, LinkedIn URL, company or real name leaves raw_survey."""

import dagster as dg
import duckdb
import pytest

from vc_pipeline.survey.reader import read_survey
from vc_pipeline_tests.conftest import SAMPLE_ROUNDS, materialize_round, round_date

DOWNSTREAM = ("synthetic_members", "normalized_members", "embeddings", "score_weights", "score_matrix", "ilp_pairing",
              "round_intros",
              "round_feedback", "final_pairing", "fairness_report", "fairness_trends")


def _pii_values(surveys) -> set[str]:
    values = set()
    for key in SAMPLE_ROUNDS:
        raw = read_survey(surveys / f"{key}.csv", round_date(key))
        for column in ("email", "slack_handle", "linkedin_url", "company", "name"):
            values |= {v.strip().casefold() for v in raw[column] if len(v.strip()) >= 4}
    return values


def _downstream_text(database) -> str:
    with duckdb.connect(str(database), read_only=True) as connection:
        return "\n".join(
            connection.execute(f'SELECT * FROM vc."{name}"').fetchdf().astype(str).to_csv()
            for name in DOWNSTREAM
        ).casefold()


def _event_log_text(instance) -> str:
    runs = instance.get_runs()
    return "\n".join(dg.serialize_value(entry) for run in runs for entry in instance.all_logs(run.run_id)).casefold()


def _leaks(text: str, values: set[str]) -> list[str]:
    return sorted(v for v in values if v in text)


def test_sample_pii_is_real_and_present_in_raw_survey(sample_store):
    values = _pii_values(sample_store["surveys"])
    assert len(values) > 600  # emails, handles, URLs, companies and names of the ~166 people
    with duckdb.connect(str(sample_store["database"]), read_only=True) as connection:
        raw = connection.execute('SELECT * FROM vc.raw_survey').fetchdf().astype(str).to_csv().casefold()
    assert len(_leaks(raw, values)) == len(values)  # the scan finds what is there


def test_no_pii_in_any_downstream_table(sample_store):
    assert _leaks(_downstream_text(sample_store["database"]), _pii_values(sample_store["surveys"])) == []


def test_no_pii_in_the_fairness_reports(sample_store, report_folder):
    pages = sorted(report_folder.glob("*.html"))  # other tests' rounds too, when they ran first
    assert set(SAMPLE_ROUNDS) <= {p.stem for p in pages}
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages).casefold()
    assert _leaks(text, _pii_values(sample_store["surveys"])) == []


def test_no_pii_in_the_event_log(sample_store):
    log = _event_log_text(sample_store["instance"])
    assert "synthetic_members" in log and "fairness_report" in log  # the log was really read
    assert _leaks(log, _pii_values(sample_store["surveys"])) == []


def test_no_pii_downstream_in_passthrough_mode(sample_store, tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    materialize_round(SAMPLE_ROUNDS[0], tmp_path / "rounds.duckdb", sample_store["surveys"], instance=instance,
                      mode="passthrough")
    values = _pii_values(sample_store["surveys"])
    assert _leaks(_downstream_text(tmp_path / "rounds.duckdb"), values) == []
    assert _leaks(_event_log_text(instance), values) == []


@pytest.mark.parametrize("mode", ["synthetic", "passthrough"])
def test_self_mentions_in_free_text_are_redacted(mode):
    import datetime as dt

    import pandas as pd

    from vc_pipeline.members.build import build_members

    raw = pd.DataFrame([{
        "round": dt.date(2026, 1, 1), "source_row": 1, "respondent_id": "r1", "submitted_at": "2026-01-01 10:00",
        "name": "Marisol Quintanilla", "email": "marisol.q@example.org", "slack_handle": "@mquint",
        "linkedin_url": "https://www.linkedin.com/in/marisol-q-42", "company": "Quintanilla Robotics LLC",
        "role": "ML Engineer", "career_stage": "10+ Years", "location": "Madrid, Spain",
        "buddy_preference": "No", "summary": "Hi, I'm Marisol Quintanilla and I run ML at Quintanilla Robotics. "
        "Mail marisol.q@example.org or @mquint on Slack; https://www.linkedin.com/in/marisol-q-42",
        "skills": "PyTorch, Quintanilla Robotics internal tools", "buddy_preferences": "Someone like Marisol",
        "keep_registered": "Yes"}])
    members = build_members(raw, mode, "k").table
    text = members.astype(str).to_csv().casefold()
    for secret in ("marisol", "quintanilla", "example.org", "mquint", "linkedin"):
        assert secret not in text
    assert "pytorch" in text  # the meaning survives


@pytest.mark.slow
def test_the_pii_marked_round_sends_no_pii_in_any_intro_request_and_reruns_from_cache(tmp_path):
    from vc_pipeline_tests.openai_stub import OpenAIStub
    from vc_pipeline_tests.test_llm_paraphrase import round_with_self_mentions

    with OpenAIStub() as stub:
        _intro_requests_carry_no_pii(stub, tmp_path, round_with_self_mentions())


def _intro_requests_carry_no_pii(stub, tmp_path, raw):
    import dagster as dg

    from vc_pipeline.orchestration.resources import MemberSettings
    from vc_pipeline.survey.form import HEADERS
    from vc_pipeline_tests.conftest import round_assets, round_resources

    (tmp_path / "surveys").mkdir()
    raw.drop(columns=["round", "source_row"]).rename(columns={c: h for h, c in HEADERS.items()}).to_csv(
        tmp_path / "surveys" / "2026-10-01.csv", index=False)
    resources = round_resources(tmp_path / "rounds.duckdb", tmp_path / "surveys", mode="passthrough")
    resources["member_settings"] = MemberSettings(mode="passthrough", hash_key="k", openai_api_key="test-key",
                                                  openai_base_url=stub.base_url)
    upstream = {"raw_survey", "synthetic_members", "normalized_members", "embeddings", "score_weights", "score_matrix",
                "ilp_pairing", "round_intros"}
    selection = [a for a in round_assets() if a.key.to_user_string() in upstream]
    result = dg.materialize(selection, partition_key="2026-10-01", resources=resources)
    metadata = result.asset_materializations_for_node("round_intros")[0].metadata
    assert metadata["written_by_openai"].value == 6 and metadata["llm_requests"].value == 1
    sent = "\n".join(stub.raw_bodies).casefold()
    assert "intro" in sent and "member_1" in sent  # the requests were really read
    for column in ("name", "company", "email", "slack_handle", "linkedin_url"):
        for value in (v.strip() for v in raw[column] if len(v.strip()) >= 3):
            assert value.casefold() not in sent, column
    for part in (p for name in raw["name"] for p in name.split() if len(p) >= 3):
        assert part.casefold() not in sent.replace("pipeline", "")
    requests = len(stub.requests)
    dg.materialize(selection, partition_key="2026-10-01", resources=resources)
    assert len(stub.requests) == requests  # answers came from vc.intro_cache
