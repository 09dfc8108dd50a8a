"""Secrets (issue 7): OPENAI_API_KEY and VC_HASH_KEY reach the pipeline only through dg.EnvVar and
never appear in run config, metadata, logs or the store."""

import datetime as dt
import json

import dagster as dg
import duckdb
import pytest

from vc_pipeline.members.pseudonym import member_id
from vc_pipeline.orchestration.resources import round_resources
from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline.survey.reader import read_survey
from vc_pipeline_tests.conftest import round_assets
from vc_pipeline_tests.openai_stub import OpenAIStub

# a round through the production resources against the OpenAI stub
pytestmark = pytest.mark.slow

OPENAI_SECRET = "sk-planted-0penai-Secret-9f3a1c"
HASH_SECRET = "planted-hash-key-7d2e55b0"
UP_TO_MEMBERS = ("raw_survey", "synthetic_members", "normalized_members")
DAY = dt.date(2026, 10, 1)


def _secret_fields(resources: dict) -> dict[str, object]:
    """Every resource field whose name says it holds a key, as configured (before resolution)."""
    return {f"{name}.{field}": value for name, resource in resources.items()
            for field, value in vars(resource).items() if field.endswith("key")}


@pytest.fixture(scope="module")
def secret_run(tmp_path_factory):
    """One round's members, through the production resources, with both secrets in the environment."""
    tmp_path = tmp_path_factory.mktemp("secrets")
    survey_dir = tmp_path / "surveys"
    write_rounds(survey_dir, generate_rounds([DAY], [12], seed=3))
    with OpenAIStub() as stub, pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in {"OPENAI_API_KEY": OPENAI_SECRET, "VC_HASH_KEY": HASH_SECRET, "OPENAI_BASE_URL": stub.base_url,
                            "VC_DUCKDB_PATH": str(tmp_path / "rounds.duckdb"), "VC_SURVEY_DIR": str(survey_dir),
                            "VC_MEMBERS_MODE": "synthetic"}.items():
            monkeypatch.setenv(name, value)
        resources = round_resources()
        instance = dg.DagsterInstance.ephemeral()
        result = dg.materialize([a for a in round_assets() if a.key.to_user_string() in UP_TO_MEMBERS],
                                partition_key=f"{DAY:%Y-%m-%d}", resources=resources, instance=instance)
        yield {"resources": resources, "instance": instance, "result": result, "stub": stub,
               "database": tmp_path / "rounds.duckdb", "survey_dir": survey_dir}


def test_secret_settings_are_env_vars_not_values(secret_run):
    fields = _secret_fields(secret_run["resources"])
    assert set(fields) == {"member_settings.hash_key", "member_settings.openai_api_key"}
    assert all(isinstance(value, dg.EnvVar) for value in fields.values())
    assert fields == {"member_settings.hash_key": dg.EnvVar("VC_HASH_KEY"),
                      "member_settings.openai_api_key": dg.EnvVar("OPENAI_API_KEY")}


def test_the_planted_secrets_were_used(secret_run):
    stub = secret_run["stub"]
    assert stub.requests and set(stub.authorizations) == {f"Bearer {OPENAI_SECRET}"}  # sent only as auth header
    raw = read_survey(secret_run["survey_dir"] / f"{DAY:%Y-%m-%d}.csv", DAY)
    with duckdb.connect(str(secret_run["database"]), read_only=True) as connection:
        ids = {i for (i,) in connection.execute('SELECT member_id FROM vc.synthetic_members').fetchall()}
    keyed = {member_id(e, HASH_SECRET, namespace=f"synthetic-{s}") for e in raw["email"] for s in (0, 1)}
    assert ids and ids <= keyed  # member ids are keyed by the planted hash key


def test_no_secret_in_run_config_metadata_logs_requests_or_store(secret_run):
    instance = secret_run["instance"]
    texts = []
    for run in instance.get_runs():
        texts.append(json.dumps(run.run_config, default=str))
        texts.append(dg.serialize_value(run))
        texts += [dg.serialize_value(entry) for entry in instance.all_logs(run.run_id)]
    texts += secret_run["stub"].raw_bodies
    with duckdb.connect(str(secret_run["database"]), read_only=True) as connection:
        for (table,) in connection.execute("SELECT table_name FROM information_schema.tables").fetchall():
            texts.append(connection.execute(f'SELECT * FROM vc."{table}"').fetchdf().astype(str).to_csv())
    everything = "\n".join(texts)
    assert "synthetic_members" in everything and "llm_requests" in everything  # the scan read real content
    for secret in (OPENAI_SECRET, HASH_SECRET):
        assert secret not in everything
