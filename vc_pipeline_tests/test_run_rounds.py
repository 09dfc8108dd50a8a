"""`make run`'s entry point: every round in order, printed; reruns replace, failures keep the past."""

import datetime as dt

import duckdb
import pytest

from vc_pipeline.cli import run_rounds
from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline_tests.test_small_rounds import _feasible

ROUNDS = [dt.date(2025, 5, 1), dt.date(2025, 6, 1)]


@pytest.fixture
def rounds_env(tmp_path, monkeypatch):
    exports = generate_rounds(ROUNDS, [11, 12], seed=21, duplicates=0)
    write_rounds(tmp_path / "surveys", {d: _feasible(t) for d, t in exports.items()})
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("VC_SURVEY_DIR", str(tmp_path / "surveys"))
    monkeypatch.setenv("VC_DUCKDB_PATH", str(tmp_path / "store" / "vc.duckdb"))
    # passthrough keeps each tiny round's roles as written, so _feasible's guarantee holds
    monkeypatch.setenv("VC_MEMBERS_MODE", "passthrough")
    return tmp_path


def stored(database):
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(
            'SELECT round, count(*), sum(hash(member_id || kind || coalesce(partner_id, ''))) '
            'FROM "vc"."vc".ilp_pairing GROUP BY round ORDER BY round').fetchall()


def test_run_pairs_every_round_oldest_first_and_prints_it(rounds_env, capsys):
    assert run_rounds.main() == 0
    out = capsys.readouterr().out
    assert out.index("Round 2025-05-01") < out.index("Round 2025-06-01")
    assert out.count("fairness: members=") == 2 and "repeat_pairs=0.0" in out
    assert out.count("fairness report: ") == 2 and "fairness_trends: every round side by side" in out
    assert "bye" in out.split("Round 2025-06-01")[0]  # 11 members: one bye in the first round
    counts = [(r, n) for r, n, _ in stored(rounds_env / "store" / "vc.duckdb")]
    assert counts[0] == (ROUNDS[0], 11) and counts[1][0] == ROUNDS[1]
    assert counts[1][1] >= 12  # the second round's 12 plus anyone carried over from the first


def test_rerun_replaces_rounds_without_duplicating(rounds_env):
    assert run_rounds.main() == 0
    before = stored(rounds_env / "store" / "vc.duckdb")
    assert run_rounds.main() == 0
    assert stored(rounds_env / "store" / "vc.duckdb") == before


def test_a_failing_round_stops_the_run_and_keeps_earlier_rounds(rounds_env, capsys):
    assert run_rounds.main() == 0
    before = stored(rounds_env / "store" / "vc.duckdb")
    (rounds_env / "surveys" / "2025-07-01.csv").write_text("Respondent ID,Your name\nx,y\n")
    assert run_rounds.main() == 1
    err = capsys.readouterr().err
    assert "Round 2025-07-01 failed; earlier rounds are unchanged" in err and "missing column" in err
    assert stored(rounds_env / "store" / "vc.duckdb") == before


def test_a_file_that_is_not_a_round_start_is_refused(rounds_env, capsys):
    (rounds_env / "surveys" / "2025-06-15.csv").write_text("x\n")
    assert run_rounds.main() == 1
    assert "2025-06-15 is not a round start" in capsys.readouterr().err
