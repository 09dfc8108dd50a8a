"""Slack delivery through the real slack_sdk WebClient against a local stub of the Web API."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from vc_pipeline.export.organizer import respondent_contacts
from vc_pipeline.orchestration.partitions import rounds
from vc_pipeline.orchestration.resources import SlackSettings, folder_resources, round_definitions
from vc_pipeline.slack.client import web_client
from vc_pipeline.slack.delivery import Outgoing, Recipient, SlackUnavailable, send_intros
from vc_pipeline.slack.directory import SlackDirectory
from vc_pipeline.slack.ledger import Ledger
from vc_pipeline.slack.messages import mention
from vc_pipeline_tests.conftest import REPO, SAMPLE_DIR, TEST_KEY, materialize_round
from vc_pipeline_tests.slack_stub import TOKEN, SlackStub

ROUND = "2026-10-01"
DAY = pd.Timestamp(ROUND).date()
FORM = "https://forms.example.org/coffee-feedback"


@pytest.fixture(scope="module")
def paired_round(tmp_path_factory):
    """The first sample round paired in passthrough mode on a Dagster instance kept on disk (so a
    command-line process sees its check results), plus the Slack workspace its members are in:
    most found by email, five only by their Slack handle, one not at all (in a pair)."""
    folder = tmp_path_factory.mktemp("slack_round")
    (folder / "surveys").mkdir()
    shutil.copy(SAMPLE_DIR / f"{ROUND}.csv", folder / "surveys" / f"{ROUND}.csv")
    home = folder / "dagster_home"
    home.mkdir()
    instance = dg.DagsterInstance.local_temp(tempdir=str(home))
    database = folder / "pristine.duckdb"
    materialize_round(ROUND, database, folder / "surveys", instance=instance, mode="passthrough")
    with duckdb.connect(str(database), read_only=True) as connection:
        raw = connection.execute("SELECT * FROM vc.raw_survey").fetchdf()
        pairing = connection.execute("SELECT member_id, group_id, kind FROM vc.ilp_pairing").fetchdf()
    contacts = respondent_contacts(raw, TEST_KEY).merge(pairing, on="member_id")
    pair_members = contacts[contacts["kind"] == "pair"].sort_values("member_id")
    unknown = pair_members["member_id"].iloc[0]
    by_handle = set(pair_members[pair_members["slack_handle"].str.len() > 1]["member_id"].iloc[1:6])
    users = [{"id": f"U{i:05d}", "name": c.slack_handle.lstrip("@") if c.member_id in by_handle else f"user{i}",
              "email": "" if c.member_id in by_handle else c.email}
             for i, c in enumerate(contacts.itertuples()) if c.member_id != unknown]
    return {"folder": folder, "instance": instance, "database": database, "contacts": contacts,
            "unknown": unknown, "by_handle": by_handle, "users": users}


def _store(paired_round, name: str) -> Path:
    """A copy of the paired round's store, so each test starts with an empty ledger."""
    database = paired_round["folder"] / f"{name}.duckdb"
    shutil.copy(paired_round["database"], database)
    return database


def _send(paired_round, database: Path, stub: SlackStub | None, *, job="send_intros", token=TOKEN, mode="passthrough",
          instance=None, config=None, form=FORM):
    slack = SlackSettings(bot_token=token, api_url=stub.api_url if stub else "http://127.0.0.1:9/api/",
                          feedback_form_url=form)
    resources = folder_resources(database, paired_round["folder"] / "surveys", mode=mode, hash_key=TEST_KEY, slack=slack)
    result = round_definitions(resources).resolve_job_def(job).execute_in_process(
        partition_key=ROUND, instance=instance or paired_round["instance"], raise_on_error=False,
        run_config={"ops": config} if config else None)
    asset = {"send_intros": "slack_intros", "send_checkins": "slack_checkins"}[job]
    events = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset]
    metadata = {k: getattr(v, "value", v) for k, v in events[0].materialization.metadata.items()} if events else {}
    return result, metadata


def _failure(result) -> str:
    return " ".join(e.step_failure_data.user_failure_data.description for e in result.all_events
                    if e.is_step_failure and e.step_failure_data.user_failure_data)


def _groups(paired_round) -> dict[int, set[str]]:
    contacts = paired_round["contacts"]
    return {int(g): set(group["member_id"]) for g, group in contacts.groupby("group_id")}


def _user_ids(paired_round) -> dict[str, str]:
    """member_id -> the stub's user id, for the members Slack knows."""
    users = paired_round["users"]
    by_email = {u["email"].casefold(): u["id"] for u in users if u["email"]}
    by_name = {u["name"].casefold(): u["id"] for u in users}
    ids = {}
    for c in paired_round["contacts"].itertuples():
        user = by_email.get(c.email.casefold()) or (by_name.get(c.slack_handle.lstrip("@").casefold())
                                                    if c.member_id in paired_round["by_handle"] else None)
        if user:
            ids[c.member_id] = user
    return ids


def _assert_one_message_per_group_with_exactly_its_members(paired_round, stub, kind_messages=1):
    ids = _user_ids(paired_round)
    expected = {frozenset(ids[m] for m in members if m in ids) for members in _groups(paired_round).values()}
    assert {info["members"] for info in stub.channels.values()} == expected
    for channel, info in stub.channels.items():
        intros = [m for m in info["messages"] if m["metadata"]["event_payload"]["message"] == "intro"]
        assert len(intros) == 1, channel


@pytest.mark.slow
def test_a_round_is_sent_once_per_group_rate_limits_waited_out_and_a_relaunch_sends_nothing(paired_round):
    database = _store(paired_round, "send")
    groups = _groups(paired_round)
    with SlackStub(paired_round["users"]) as stub:
        stub.rate_limit("chat.postMessage", 2, retry_after=1)
        result, metadata = _send(paired_round, database, stub)
        assert result.success, _failure(result)
        assert metadata["sent"] == len(groups) and metadata["failed_groups"] == 0
        assert metadata["members_not_found"] == 1 and metadata["unreachable_groups"] == 0
        assert metadata["rate_limit_waits"] == 2 and metadata["rate_limit_waited_seconds"] >= 2.0
        _assert_one_message_per_group_with_exactly_its_members(paired_round, stub)
        # the member Slack doesn't know is named for the organizer; their buddy still got the intro
        unknown = paired_round["contacts"].set_index("member_id").loc[paired_round["unknown"]]
        listed = (paired_round["folder"] / "exports" / ROUND / "slack_unreached.md").read_text(encoding="utf-8")
        assert unknown["name"] in listed and listed.count("is not found in Slack") == 1
        buddy_group = groups[int(unknown["group_id"])] - {paired_round["unknown"]}
        buddy = _user_ids(paired_round)[buddy_group.pop()]
        (channel,) = [c for c, info in stub.channels.items() if info["members"] == {buddy}]
        message = stub.channels[channel]["messages"][0]["text"]
        assert f"<@{buddy}>" in message and f"*{unknown['name']}*" in message  # named, not mentioned
        evaluation = {e.check_name: e for e in result.get_asset_check_evaluations()}["everyone_reached"]
        assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
        # five members were found only by handle, through users.list read page by page once
        lists = [p for m, p in stub.calls if m == "users.list"]
        assert len(lists) == -(-len(paired_round["users"]) // stub.page_size) and len(paired_round["by_handle"]) == 5

        posts = len(stub.posts())
        again, metadata = _send(paired_round, database, stub)
        assert again.success and metadata["sent"] == 0 and metadata["already_sent"] == len(groups)
        assert len(stub.posts()) == posts

        checkins, metadata = _send(paired_round, database, stub, job="send_checkins")
        meeting = sum(1 for g in paired_round["contacts"].drop_duplicates("group_id")["kind"] if g in ("pair", "triad"))
        assert checkins.success and metadata["sent"] == meeting
        for info in stub.channels.values():
            texts = [m["text"] for m in info["messages"] if m["metadata"]["event_payload"]["message"] == "checkin"]
            assert len(texts) <= 1 and all(FORM in t and "did you manage to meet" in t for t in texts)
        _, metadata = _send(paired_round, database, stub, job="send_checkins")
        assert metadata["sent"] == 0 and metadata["already_sent"] == meeting

    with duckdb.connect(str(database), read_only=True) as connection:
        ledger = connection.execute("SELECT * FROM vc.slack_ledger").fetchdf()
    assert set(ledger["status"]) == {"sent"} and len(ledger) == len(groups) + meeting
    # neither the ledger nor the runs' event log (metadata, checks, logs) holds a name or a contact
    instance = paired_round["instance"]
    log = "\n".join(dg.serialize_value(entry) for run in instance.get_runs(filters=dg.RunsFilter(job_name="send_intros"))
                    for entry in instance.all_logs(run.run_id))
    assert "slack_unreached.md" in log and "rate_limit_waits" in log  # the log was really read
    contacts = paired_round["contacts"]
    for text in (ledger.astype(str).to_csv().casefold(), log.casefold()):
        for column in ("name", "email", "slack_handle"):
            assert not [v for v in contacts[column] if len(v.strip()) >= 4 and v.strip().casefold() in text], column


@pytest.mark.slow
def test_the_dry_run_writes_the_outbox_and_calls_nothing(paired_round):
    database = _store(paired_round, "dry")
    with SlackStub(paired_round["users"]) as stub:
        result, metadata = _send(paired_round, database, stub, token=None)
    assert result.success and metadata["dry_run"] is True and stub.calls == []
    outbox = json.loads(Path(metadata["outbox"]).read_text(encoding="utf-8"))
    assert len(outbox["messages"]) == len(_groups(paired_round)) and outbox["would_be_refused"] is None
    names = {person["name"] for message in outbox["messages"] for person in message["to"]}
    assert names == set(paired_round["contacts"]["name"])
    assert all(message["text"].startswith(":coffee:") for message in outbox["messages"])
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'slack_ledger'"
                                  ).fetchone() == (0,)


@pytest.mark.slow
def test_a_synthetic_store_and_a_round_with_failed_error_checks_are_refused_by_name(paired_round):
    database = _store(paired_round, "refused")
    with SlackStub(paired_round["users"]) as stub:
        result, _ = _send(paired_round, database, stub, mode="synthetic")
        assert not result.success and "synthetic mode" in _failure(result) and "fabricated" in _failure(result)

        failing = dg.DagsterInstance.ephemeral()
        result, _ = _send(paired_round, database, stub, instance=failing)
        assert not result.success and "no check results for this round" in _failure(result)

        @dg.asset(name="fairness_report", partitions_def=rounds,
                  check_specs=[dg.AssetCheckSpec("repeat_pairs", asset="fairness_report")])
        def report_with_a_repeat():
            return dg.MaterializeResult(check_results=[dg.AssetCheckResult(
                check_name="repeat_pairs", passed=False, severity=dg.AssetCheckSeverity.ERROR)])

        dg.materialize([report_with_a_repeat], partition_key=ROUND, instance=failing, raise_on_error=False)
        result, _ = _send(paired_round, database, stub, instance=failing)
        assert not result.success and "ERROR checks failed (fairness_report/repeat_pairs)" in _failure(result)
        assert stub.posts() == []
        result, metadata = _send(paired_round, database, stub, instance=failing,
                                 config={"slack_intros": {"config": {"send_despite_failed_checks": True}}})
        assert result.success and metadata["sent"] == len(_groups(paired_round))


@pytest.mark.slow
def test_a_run_killed_mid_send_is_completed_by_the_next_launch_without_duplicates(paired_round):
    database = _store(paired_round, "killed")
    groups = _groups(paired_round)
    half = len(groups) // 2
    with SlackStub(paired_round["users"]) as stub:
        environment = {**os.environ, "DAGSTER_HOME": str(paired_round["instance"].root_directory),
                       "VC_DUCKDB_PATH": str(database), "VC_SURVEY_DIR": str(paired_round["folder"] / "surveys"),
                       "VC_EXPORT_DIR": str(paired_round["folder"] / "killed_exports"),
                       "VC_MEMBERS_MODE": "passthrough", "VC_HASH_KEY": TEST_KEY,
                       "SLACK_BOT_TOKEN": TOKEN, "VC_SLACK_API_URL": stub.api_url}
        command = [sys.executable, "-m", "vc_pipeline.cli.send_intros", "--round", ROUND]
        stub.hang_after_posts(half)
        process = subprocess.Popen(command, cwd=REPO, env=environment, start_new_session=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 240
            while len(stub.posts()) <= half and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.2)
            assert len(stub.posts()) == half + 1, process.stdout.read() if process.poll() is not None else ""
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        stub.hang_after_posts(None)
        finished = subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=300)
        assert finished.returncode == 0, finished.stdout + finished.stderr
        # the post that was cut off was found in its DM and recorded, not sent again
        assert f"sent {len(groups) - half - 1}, already sent before {half}, found sent after a crash 1" in finished.stdout
        assert "Reach these members by hand" in finished.stdout
        name = paired_round["contacts"].set_index("member_id").loc[paired_round["unknown"], "name"]
        assert name in finished.stdout
        _assert_one_message_per_group_with_exactly_its_members(paired_round, stub)
        assert len(stub.posts()) == len(groups)


def _outgoing(*members: tuple[str, str, str]) -> list[Outgoing]:
    return [Outgoing(g, (Recipient(f"{g:016x}", name, email, handle),), lambda m: f"hello {m[0]}")
            for g, (name, email, handle) in enumerate(members)]


def test_a_group_error_is_recorded_and_the_others_go_on_while_a_bad_token_stops_the_run(tmp_path):
    users = [{"id": "U1", "name": "ana", "email": "ana@example.org"}, {"id": "U2", "name": "bo", "email": "bo@example.org"}]
    with SlackStub(users) as stub, duckdb.connect(str(tmp_path / "rounds.duckdb")) as connection:
        client, _ = web_client(TOKEN, stub.api_url)
        ledger = Ledger(connection, DAY)
        stub.users.append({"id": "U3", "name": "gone", "deleted": False, "is_bot": False,
                           "profile": {"email": "gone@example.org", "display_name": ""}})
        original = stub._conversations_open

        def open_then_lose(params):  # the DM of U3 disappears before the post
            status, headers, body = original(params)
            if params["users"] == "U3":
                stub.channels.pop(body["channel"]["id"])
            return status, headers, body

        stub._conversations_open = open_then_lose
        report = send_intros(_outgoing(("Ana", "ana@example.org", ""), ("Gone", "gone@example.org", ""),
                                       ("Bo", "", "@Bo")), client, ledger, SlackDirectory(client), mention)
        assert report.sent == 2 and report.failed == {1: "channel_not_found"}
        assert list(ledger.rows()["status"]) == ["sent", "failed", "sent"]

        bad, _ = web_client("xoxb-wrong", stub.api_url)
        with pytest.raises(SlackUnavailable, match="invalid_auth"):
            send_intros(_outgoing(("Cy", "cy@example.org", "")), bad, Ledger(connection, DAY.replace(month=11)),
                        SlackDirectory(bad), mention)


def test_rate_limits_beyond_the_retries_stop_the_run_resumably(tmp_path):
    with SlackStub([{"id": "U1", "name": "ana", "email": "ana@example.org"}]) as stub, \
            duckdb.connect(str(tmp_path / "rounds.duckdb")) as connection:
        client, limits = web_client(TOKEN, stub.api_url, max_rate_limit_retries=1)
        stub.rate_limit("users.lookupByEmail", 2, retry_after=0)
        with pytest.raises(SlackUnavailable, match="ratelimited"):
            send_intros(_outgoing(("Ana", "ana@example.org", "")), client, Ledger(connection, DAY),
                        SlackDirectory(client), mention)
        assert limits.waits == 1
        report = send_intros(_outgoing(("Ana", "ana@example.org", "")), client, Ledger(connection, DAY),
                             SlackDirectory(client), mention)
        assert report.sent == 1 and [m for m, _ in stub.calls].count("chat.postMessage") == 1
