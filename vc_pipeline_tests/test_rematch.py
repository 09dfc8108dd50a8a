"""No-shows: stranded buddies meet a stranded backup first, then each other; history follows who met."""

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from vc_pipeline.history.pairs import earlier_pairs
from vc_pipeline.members.pseudonym import member_id
from vc_pipeline.pairing.rematch import rematch, stranded_members
from vc_pipeline.pairing.solver import Level
from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline_tests.conftest import TEST_KEY, materialize_round
from vc_pipeline_tests.test_small_rounds import _feasible


def planned(groups, backups):
    rows = []
    for g, group in enumerate(groups):
        for m in group:
            rows.append({"round": dt.date(2026, 5, 1), "member_id": m, "group_id": g,
                         "kind": "pair" if len(group) == 2 else "bye",
                         "partner_id": next((x for x in group if x != m), None),
                         "backup_1": backups.get(m, (None, None))[0], "backup_2": backups.get(m, (None, None))[1]})
    return pd.DataFrame(rows)


def test_two_no_shows_strand_two_buddies_who_meet_as_backups():
    pairing = planned([("a", "b"), ("c", "d"), ("e", "f")], {"b": ("e", "d"), "d": ("b", "a")})
    stranded = stranded_members(pairing, {"a", "c"})
    assert stranded == ["b", "d"]
    final = rematch(pairing, {"a", "c"}, np.zeros((2, 2)), stranded, np.zeros((2, 2), dtype=bool)).set_index("member_id")
    assert final.loc["b", "partner_id"] == "d" and final.loc["b", "source"] == "backup"
    assert final.loc["a", "kind"] == "no_show" and final.loc["e", "source"] == "planned"


def test_without_a_usable_backup_the_stranded_are_paired_optimally_under_the_rules():
    pairing = planned([("a", "b"), ("c", "d"), ("e", "f"), ("g", "h"), ("i",)], {})
    stranded = stranded_members(pairing, {"a", "c", "e"})
    assert stranded == ["b", "d", "f", "i"]
    scores = np.array([[0, .9, .1, .1], [.9, 0, .1, .1], [.1, .1, 0, .5], [.1, .1, .5, 0]])
    forbidden = np.zeros((4, 4), dtype=bool)
    forbidden[0, 1] = forbidden[1, 0] = True  # b and d met before
    final = rematch(pairing, {"a", "c", "e"}, scores, stranded, forbidden).set_index("member_id")
    assert final.loc["b", "partner_id"] in ("f", "i") and final.loc["d", "partner_id"] in ("f", "i")
    assert set(final.loc[["b", "d", "f", "i"], "source"]) == {"rematch"}


def test_an_odd_stranded_member_is_unpaired():
    pairing = planned([("a", "b"), ("c", "d"), ("e", "f")], {})
    final = rematch(pairing, {"a"}, np.zeros((1, 1)), ["b"], np.zeros((1, 1), dtype=bool)).set_index("member_id")
    assert final.loc["b", "source"] == "unpaired" and pd.isna(final.loc["b", "partner_id"])


@pytest.mark.slow
def test_a_rematch_after_two_no_shows_updates_history(tmp_path):
    day, later = dt.date(2026, 5, 1), dt.date(2026, 6, 1)
    exports = generate_rounds([day], [10], seed=31, duplicates=0)
    export = _feasible(exports[day])
    export["Do you have a preference on who your buddy should be?"] = "No preference"
    write_rounds(tmp_path / "surveys", {day: export})
    database = tmp_path / "rounds.duckdb"
    materialize_round("2026-05-01", database, tmp_path / "surveys", mode="passthrough")
    with duckdb.connect(str(database), read_only=True) as connection:
        plan = connection.execute('SELECT member_id, partner_id FROM vc.ilp_pairing').fetchdf()
    email_of = {member_id(e, TEST_KEY): e for e in export["Your email address"]}
    pairs = plan.dropna().values.tolist()
    a, b = pairs[0]
    c, d = next(p for p in pairs if a not in p and b not in p)
    (tmp_path / "surveys" / "controls").mkdir()
    (tmp_path / "surveys" / "controls" / "2026-05-01.yaml").write_text(f"no_shows: [{email_of[a]}, {email_of[c]}]\n")
    materialize_round("2026-05-01", database, tmp_path / "surveys", mode="passthrough")
    with duckdb.connect(str(database), read_only=True) as connection:
        final = connection.execute('SELECT * FROM vc.final_pairing').fetchdf().set_index("member_id")
        met = earlier_pairs(connection, later)
    assert final.loc[b, "partner_id"] == d and final.loc[b, "source"] in ("backup", "rematch")
    assert final.loc[a, "kind"] == "no_show"
    assert frozenset((b, d)) in met and frozenset((a, b)) not in met and frozenset((c, d)) not in met


def test_two_stranded_buddies_who_met_before_meet_again_rather_than_nobody_but_a_block_holds():
    pairing = planned([("a", "b"), ("c", "d")], {})
    stranded = stranded_members(pairing, {"a", "c"})
    met = np.array([[False, True], [True, False]])  # b and d met in an earlier round
    final = rematch(pairing, {"a", "c"}, np.full((2, 2), 0.5), stranded, np.zeros((2, 2), dtype=bool),
                    [Level("repeat", met)]).set_index("member_id")
    assert final.loc["b", "partner_id"] == "d" and final.loc["b", "source"] == "rematch"
    blocked = rematch(pairing, {"a", "c"}, np.full((2, 2), 0.5), stranded, met, [Level("repeat", met)])
    assert set(blocked.set_index("member_id").loc[["b", "d"], "source"]) == {"unpaired"}
