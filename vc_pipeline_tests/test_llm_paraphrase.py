"""The OpenAI path through the real `openai` client against a local stub server."""

import datetime as dt
import json

import duckdb
import pandas as pd
import pytest

from vc_pipeline.members.build import LlmParaphraser, build_members
from vc_pipeline.members.llm_paraphrase import LlmSettings, MemberText, paraphrase_with_llm
from vc_pipeline.store.response_cache import StoreResponseCache
from vc_pipeline.survey.reader import read_survey
from vc_pipeline_tests.conftest import SAMPLE_DIR, SAMPLE_ROUNDS
from vc_pipeline_tests.openai_stub import OpenAIStub


@pytest.fixture
def stub():
    with OpenAIStub() as server:
        yield server


@pytest.fixture
def cache(tmp_path):
    with duckdb.connect(str(tmp_path / "rounds.duckdb")) as connection:
        yield StoreResponseCache(connection)


def settings(stub, **extra):
    return LlmSettings(api_key="test-key", base_url=stub.base_url, timeout_seconds=10, max_retries=2, **extra)


def texts(*summaries):
    return [MemberText(ref=f"m{i}", summary=s, skills="Python, SQL", buddy_preferences="someone kind")
            for i, s in enumerate(summaries)]


def test_failures_fall_back_per_record_and_are_counted(stub, cache):
    batch = texts("builds feature stores", "RATELIMIT then fine", "REFUSE this", "TRUNCATE this",
                  "MALFORMED this", "loves forecasting", "BROKENJSON this")
    answers, report = paraphrase_with_llm(batch, settings(stub, batch_size=1), cache)
    assert set(answers) == {"m0", "m1", "m5"}
    assert answers["m0"].summary == "stores feature builds"
    assert dict(report.fallbacks) == {"refusal": 1, "truncated": 1, "schema_mismatch": 2}
    # the 429 was retried by the SDK: one extra request for m1
    assert len(stub.requests) == 8 and report.requests == 7
    assert report.prompt_tokens == 100 * 4  # successful answers and the refusal report usage


def test_the_schema_sent_is_strict_and_mirrors_the_form_fields(stub, cache):
    paraphrase_with_llm(texts("a", "b"), settings(stub), cache)
    response_format = stub.requests[0]["response_format"]
    assert response_format["type"] == "json_schema" and response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    item = schema["$defs"]["ParaphrasedText"]
    assert set(item["properties"]) == {"ref", "summary", "skills", "buddy_preferences"}
    assert item["additionalProperties"] is False and set(item["required"]) == set(item["properties"])


def test_batches_and_cache_make_no_new_calls_on_a_rerun(stub, cache):
    batch = texts(*[f"member {i} works on pipelines" for i in range(25)])
    first, report = paraphrase_with_llm(batch, settings(stub, batch_size=10), cache)
    assert len(stub.requests) == 3 and report.requests == 3 and len(first) == 25
    again, report = paraphrase_with_llm(batch, settings(stub, batch_size=10), cache)
    assert len(stub.requests) == 3 and report.cached_batches == 3 and again == first


def round_with_self_mentions() -> pd.DataFrame:
    raw = read_survey(SAMPLE_DIR / f"{SAMPLE_ROUNDS[0]}.csv", dt.date.fromisoformat(SAMPLE_ROUNDS[0]))
    raw = raw.head(12).copy()
    raw["summary"] = [f"I am {n}, I run ML at {c}; write to {e} or {s}, see {u}"
                      for n, c, e, s, u in zip(raw["name"], raw["company"], raw["email"], raw["slack_handle"],
                                               raw["linkedin_url"])]
    raw["buddy_preferences"] = [f"Someone who knows {n.split()[0]} from {c}" for n, c in zip(raw["name"], raw["company"])]
    return raw


def test_no_pii_reaches_any_request_or_member(stub, cache):
    raw = round_with_self_mentions()
    llm = LlmParaphraser(settings(stub, batch_size=5), cache)
    members = build_members(raw, "synthetic", "k", llm=llm)
    assert members.llm.answered == len(raw) and len(stub.requests) == 3
    sent = "\n".join(stub.raw_bodies).casefold()
    stored = members.table.astype(str).to_csv().casefold()
    for column in ("name", "company", "email", "slack_handle", "linkedin_url"):
        for value in raw[column]:
            if len(value.strip()) >= 3:
                assert value.casefold() not in sent, column
                assert value.casefold() not in stored, column
    for first_name in (n.split()[0] for n in raw["name"]):
        assert json.dumps(first_name).casefold().strip('"') not in sent


@pytest.mark.slow
def test_a_whole_round_through_the_openai_path_leaks_nothing_and_reruns_from_cache(stub, tmp_path):
    import dagster as dg

    from vc_pipeline.orchestration.resources import MemberSettings
    from vc_pipeline_tests.conftest import round_assets, round_resources

    raw = round_with_self_mentions()
    headers = {c: h for h, c in __import__("vc_pipeline.survey.form", fromlist=["HEADERS"]).HEADERS.items()}
    (tmp_path / "surveys").mkdir()
    raw.drop(columns=["round", "source_row"]).rename(columns=headers).to_csv(tmp_path / "surveys" / "2026-10-01.csv", index=False)
    resources = round_resources(tmp_path / "rounds.duckdb", tmp_path / "surveys")
    resources["member_settings"] = MemberSettings(mode="synthetic", hash_key="k", openai_api_key="test-key",
                                                  openai_base_url=stub.base_url)
    selection = [a for a in round_assets() if a.key.to_user_string() in ("raw_survey", "synthetic_members", "normalized_members")]
    result = dg.materialize(selection, partition_key="2026-10-01", resources=resources)
    metadata = next(e for e in result.get_asset_materialization_events()
                    if e.asset_key.to_user_string() == "synthetic_members").materialization.metadata
    assert metadata["llm_paraphrased"].value == len(raw) and metadata["llm_requests"].value == 2
    with duckdb.connect(str(tmp_path / "rounds.duckdb"), read_only=True) as connection:
        downstream = "\n".join(connection.execute(f'SELECT * FROM vc.{t}').fetchdf().astype(str).to_csv()
                               for t in ("synthetic_members", "normalized_members")).casefold()
    sent = "\n".join(stub.raw_bodies).casefold()
    for column in ("name", "company", "email", "slack_handle", "linkedin_url"):
        for value in raw[column]:
            if len(value.strip()) >= 3:
                assert value.casefold() not in sent and value.casefold() not in downstream, column
    requests_before = len(stub.requests)
    dg.materialize(selection, partition_key="2026-10-01", resources=resources)
    assert len(stub.requests) == requests_before  # answers came from vc.paraphrase_cache
