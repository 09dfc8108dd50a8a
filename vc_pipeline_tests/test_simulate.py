"""`make simulate`: a small community over three rounds through the real pipeline, as the CLI runs it."""

import datetime as dt
import json
import os

import duckdb
import pytest

from vc_pipeline.cli import simulate
from vc_pipeline.members.pseudonym import member_id
from vc_pipeline.simulate.community import Community, community_rounds, pick_no_shows, simulation_rounds

# three simulated rounds through the pipeline
pytestmark = pytest.mark.slow

EMAIL = "Your email address"


def test_the_community_returns_joins_and_keeps_its_people():
    days = [dt.date(2026, m, 1) for m in (1, 2, 3)]
    rounds = list(community_rounds(days, Community(members=40, return_share=0.5, join_share=0.2, seed=3)))
    # half come back, a fifth of the round is new, and the rest is people who skipped a round (none yet in round 2)
    assert [(r.returning, r.joined, r.came_back) for r in rounds] == [(0, 40, 0), (20, 20, 0), (20, 8, 12)]
    assert all(len(r.export) == len(set(r.emails)) == r.returning + r.joined + r.came_back == 40 for r in rounds)
    assert len(set(rounds[1].emails) & set(rounds[0].emails)) == 20  # who returns keeps their email
    skipped_round_two = set(rounds[0].emails) - set(rounds[1].emails)
    assert len(set(rounds[2].emails) & skipped_round_two) >= 1  # and so does who skips a round
    assert set(rounds[2].export["Keep me registered for all future rounds."]) == {"Ask me again next time"}
    assert pick_no_shows(rounds[0].emails, 0.05, seed="s") == pick_no_shows(rounds[0].emails[::-1], 0.05, seed="s")
    assert len(pick_no_shows(rounds[0].emails, 0.05, seed="s")) == 2


def test_only_rounds_that_have_ended_are_simulated():
    keys = ["2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01"]
    assert simulation_rounds(keys, 2) == ["2026-10-01", "2026-11-01"]
    with pytest.raises(ValueError, match="between 1 and 3 rounds"):
        simulation_rounds(keys, 4)


def test_three_rounds_through_the_pipeline_are_tabled_charted_and_answer_the_feedback_form(tmp_path, capsys):
    settings = lambda: {k: v for k, v in os.environ.items() if k.startswith(("VC_", "OPENAI_"))}  # torch sets its own
    out, workdir, before = tmp_path / "out", tmp_path / "work", settings()
    argv = ["--members", "40", "--rounds", "3", "--out", str(out), "--workdir", str(workdir), "--learning", "on"]
    assert simulate.main(argv) == 0
    assert settings() == before and (workdir / "rounds.duckdb").exists()  # its own folders, no setting written
    records = json.loads((out / "simulation.json").read_text())["learning_on"]
    assert [r["members"] for r in records] == [40, 40, 40]  # 32 of 40 back and 8 new; then 32 back, 4 new, 4 who skipped round 2
    assert all(r["members"] == r["returning"] + r["joined"] + r["came_back"] for r in records)
    assert all(r["repeat_pairs"] == 0 and r["seconds"] > 0 and 0 < r["hidden_utility"] < 1 for r in records)
    assert all(r["weights"] == "hand" for r in records)  # three rounds of 20 pairs: too few ratings to learn from
    assert (out / "simulation.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "utility off" in capsys.readouterr().out
    with duckdb.connect(str(workdir / "rounds.duckdb"), read_only=True) as connection:
        for record in records:
            day = dt.date.fromisoformat(record["round"])
            recorded = {m for (m,) in connection.execute(
                "SELECT member_id FROM vc.final_pairing WHERE round = ? AND source = 'no_show'", [day]).fetchall()}
            picked = json.loads((workdir / "no_shows" / f"{record['round']}.json").read_text())
            # a no-show is known only when they, or their buddy, answered the form
            assert recorded <= {member_id(e, simulate.SIMULATION_KEY) for e in picked}
            answered = connection.execute("SELECT count(*), count(rating) FROM vc.round_feedback WHERE round = ?",
                                          [day]).fetchone()
            assert 0.4 * 40 <= answered[0] <= 0.8 * 40 and answered[1] > 0  # about 60% answer, most with a rating
