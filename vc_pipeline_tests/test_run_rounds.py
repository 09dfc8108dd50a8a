"""`make run`'s entry point: every round in order, printed; reruns replace, failures keep the past."""

import datetime as dt
import re

import duckdb
import pandas as pd
import pytest

from vc_pipeline.cli import run_rounds
from vc_pipeline.members.pseudonym import member_id
from vc_pipeline.profile.taxonomy import map_role, wants_similar_role
from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline_tests.conftest import TEST_KEY
from vc_pipeline_tests.test_small_rounds import PREFERENCE_HEADER, ROLE_HEADER, _feasible

# make run in process: whole rounds through Dagster
pytestmark = pytest.mark.slow

ROUNDS = [dt.date(2025, 5, 1), dt.date(2025, 6, 1)]
JULY = dt.date(2025, 7, 1)
EMAIL = "Your email address"
# Roles no technical role shares a family with: a similar-role request pinned to one goes unmet.
FAR_ROLES = ("Management", "Sales and Marketing", "Founder", "Student")


@pytest.fixture
def rounds_env(tmp_path, monkeypatch):
    exports = generate_rounds(ROUNDS, [11, 12], seed=21, duplicates=0)
    write_rounds(tmp_path / "surveys", {d: _feasible(t) for d, t in exports.items()})
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("VC_SURVEY_DIR", str(tmp_path / "surveys"))
    # the old default file name: a store named like its schema keeps working when set as the path
    monkeypatch.setenv("VC_DUCKDB_PATH", str(tmp_path / "store" / "vc.duckdb"))
    monkeypatch.setenv("VC_CONTROLS_DIR", str(tmp_path / "controls"))
    monkeypatch.setenv("VC_EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("VC_REPORT_DIR", str(tmp_path / "reports"))
    # passthrough keeps each tiny round's roles as written, so _feasible's guarantee holds
    monkeypatch.setenv("VC_MEMBERS_MODE", "passthrough")
    monkeypatch.setenv("VC_HASH_KEY", TEST_KEY)
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


def _export(rounds_env, day: dt.date) -> pd.DataFrame:
    return pd.read_csv(rounds_env / "surveys" / f"{day:%Y-%m-%d}.csv", keep_default_na=False)


def _pin(rounds_env, day: dt.date, a: str, b: str) -> None:
    (rounds_env / "controls").mkdir(exist_ok=True)
    (rounds_env / "controls" / f"{day:%Y-%m-%d}.yaml").write_text(f"pins: [[{a}, {b}]]\n")


def test_a_failed_error_check_is_printed_later_rounds_go_on_and_the_run_exits_non_zero(rounds_env, capsys):
    july = generate_rounds([*ROUNDS, JULY], [11, 12, 12], seed=21, duplicates=0)[JULY]
    write_rounds(rounds_env / "surveys", {JULY: _feasible(july)})
    assert run_rounds.run_round(f"{ROUNDS[0]:%Y-%m-%d}").succeeded
    # two members who met in May and both signed up for June, pinned together in June: a repeat
    emails = {member_id(e, TEST_KEY): e for e in _export(rounds_env, ROUNDS[0])[EMAIL]}
    with duckdb.connect(str(rounds_env / "store" / "vc.duckdb"), read_only=True) as connection:
        met = connection.execute('SELECT member_id, partner_id FROM "vc"."vc".ilp_pairing WHERE kind = \'pair\'').fetchall()
    june = set(_export(rounds_env, ROUNDS[1])[EMAIL])
    a, b = next((emails[x], emails[y]) for x, y in met if {emails[x], emails[y]} <= june)
    _pin(rounds_env, ROUNDS[1], a, b)

    assert run_rounds.main() == run_rounds.ERROR_CHECK_EXIT
    captured = capsys.readouterr()
    june_out = captured.out.split("Round 2025-06-01")[1].split("Round 2025-07-01")[0]
    assert re.search(r"check fairness_report/repeat_pairs failed \(ERROR\): \S", june_out)  # its detail follows
    assert "repeat_pairs failed" not in captured.out.split("Round 2025-06-01")[0]
    assert "round 2025-06-01 is stored as written; an ERROR check failed: fairness_report/repeat_pairs (" in captured.err
    assert "2025-05-01 is stored as written" not in captured.err and "2025-07-01 is stored" not in captured.err
    assert [r for r, _, _ in stored(rounds_env / "store" / "vc.duckdb")] == [*ROUNDS, JULY]  # July still paired
    with duckdb.connect(str(rounds_env / "store" / "vc.duckdb"), read_only=True) as connection:
        partner = connection.execute('SELECT partner_id FROM "vc"."vc".ilp_pairing WHERE round = ? AND member_id = ?',
                                     [ROUNDS[1], member_id(a, TEST_KEY)]).fetchone()
    assert partner == (member_id(b, TEST_KEY),)  # the round is stored as the pin wrote it


def test_a_failed_warn_check_is_printed_and_the_run_still_succeeds(rounds_env, capsys):
    may = _export(rounds_env, ROUNDS[0])
    roles = may[ROLE_HEADER].map(map_role)
    asker = may.loc[may[PREFERENCE_HEADER].map(wants_similar_role) & ~roles.isin(FAR_ROLES), EMAIL].iloc[0]
    _pin(rounds_env, ROUNDS[0], asker, may.loc[roles.isin(FAR_ROLES), EMAIL].iloc[0])
    assert run_rounds.main() == 0
    captured = capsys.readouterr()
    may_out = captured.out.split("Round 2025-06-01")[0]
    assert re.search(r"check fairness_report/unmet_similar_role failed \(WARN\): \S", may_out)
    assert "(ERROR)" not in captured.out and "stored as written" not in captured.err


def test_metadata_becomes_one_line_without_table_headers():
    assert run_rounds.metadata_line({"detail": "0 pairs met in an earlier round"}) == "0 pairs met in an earlier round"
    failures = "| column | check | rows failing | first rows |\n|---|---|---|---|\n| role | isin | 3 | 1, 4, 9 |"
    assert run_rounds.metadata_line({"rows": 12, "failures": failures}) == "rows: 12, failures: role isin 3 1, 4, 9"
    assert run_rounds.metadata_line({"violations": "- repeat pair\n- block kept", "limit": 0.2}) == (
        "violations: repeat pair; block kept, limit: 0.2")
    assert len(run_rounds.metadata_line({"violations": "- x" * 500})) == 200
