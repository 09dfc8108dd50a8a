"""The feedback form: read tolerantly, answers by member, no-shows from what buddies reported."""

import datetime as dt

import duckdb
import pandas as pd
import pytest

from vc_pipeline.feedback.answers import feedback_no_shows, parse_rating, round_feedback
from vc_pipeline.feedback.form import HEADERS
from vc_pipeline.feedback.reader import FeedbackError, read_feedback
from vc_pipeline.members.pseudonym import member_id
from vc_pipeline.schemas import RoundFeedback, schema_failures
from vc_pipeline_tests.conftest import TEST_KEY, materialize_round

DAY = dt.date(2026, 5, 1)
EMAIL, MET, RATING, COMMENT = HEADERS


def _write(path, rows, headers=tuple(HEADERS), encoding="utf-8"):
    table = pd.DataFrame(rows, columns=list(headers))
    path.write_bytes(table.to_csv(index=False).encode(encoding))
    return path


def test_no_file_and_a_blank_file_are_no_feedback(tmp_path):
    assert read_feedback(tmp_path / "2026-05-01.csv", DAY).empty
    (tmp_path / "blank.csv").write_text("  \n\n")
    blank = read_feedback(tmp_path / "blank.csv", DAY)
    assert blank.empty and list(blank.columns) == ["round", "source_row", "email", "met", "rating", "comment"]


def test_the_export_is_read_like_the_sign_up_export(tmp_path):
    headers = ("  your EMAIL address ", "Did you meet your buddy  this round?", "How was your coffee chat? (1-5)",
               "Anything you'd like to tell the organizers?", "Submitted at")
    path = _write(tmp_path / "f.csv", [("ana@example.org", "Yes", "5", "Très bien, merci", "x")], headers, "cp1252")
    table = read_feedback(path, DAY)
    assert table.iloc[0][["email", "met", "rating", "comment"]].tolist() == ["ana@example.org", "Yes", "5", "Très bien, merci"]
    assert table.iloc[0]["source_row"] == 1 and table.iloc[0]["round"] == DAY


@pytest.mark.parametrize("content, message", [
    (b"Your email address,How was your coffee chat? (1-5)\nana@example.org,5\n", r"missing column\(s\)"),
    (b"Your email address\x00,x\n", "NUL bytes"),
    (("Your email address,Did you meet your buddy this round?,How was your coffee chat? (1-5),"
      "Anything you'd like to tell the organizers?\nana@example.org,Yes,5,ok,extra\n").encode(), "row 1: 5 fields"),
])
def test_an_unreadable_export_is_refused_naming_file_and_place(tmp_path, content, message):
    path = tmp_path / "2026-05-01.csv"
    path.write_bytes(content)
    with pytest.raises(FeedbackError, match=message) as error:
        read_feedback(path, DAY)
    assert str(path) in str(error.value) and "ana@example.org" not in str(error.value)


def _pairing(*groups) -> pd.DataFrame:
    rows = []
    for g, group in enumerate(groups):
        kind = {1: "bye", 2: "pair", 3: "triad"}[len(group)]
        rows += [{"member_id": member_id(e, TEST_KEY), "group_id": g, "kind": kind} for e in group]
    return pd.DataFrame(rows)


def _raw(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"round": DAY, "source_row": i, "email": e, "met": m, "rating": r, "comment": c}
                         for i, (e, m, r, c) in enumerate(rows, start=1)])


def test_answers_by_member_with_every_problem_handled_and_counted():
    pairing = _pairing(("a@x.org", "b@x.org"), ("c@x.org", "d@x.org"), ("e@x.org",))
    raw = _raw(("a@x.org", "Yes", "3", ""), ("A@X.org ", "Yes", "4/5", "changed my mind"),  # repeated: the latest wins
               ("b@x.org", "No, my buddy didn\u2019t show", "", ""), ("c@x.org", "not yet", "7", ""),
               ("d@x.org", "Maybe?", "5", ""), ("stranger@x.org", "Yes", "5", "who am I"), ("", "Yes", "5", ""),
               ("e@x.org", "No, I couldn't make it", "two", ""))
    table, counts = round_feedback(raw, pairing, TEST_KEY, "passthrough")
    answers = {m: (a, r) for m, a, r in table[["member_id", "answer", "rating"]].itertuples(index=False)}
    ids = {e: member_id(e, TEST_KEY) for e in ("a@x.org", "b@x.org", "c@x.org", "e@x.org")}
    assert answers[ids["a@x.org"]] == ("met", 4.0)
    assert answers[ids["b@x.org"]][0] == "buddy_no_show" and pd.isna(answers[ids["b@x.org"]][1])
    assert answers[ids["c@x.org"]][0] == "not_yet" and pd.isna(answers[ids["c@x.org"]][1])  # 7 is out of range
    assert answers[ids["e@x.org"]][0] == "could_not_make_it"
    assert counts.as_metadata() == {"rows": 8, "answers": 4, "rows_without_email": 1, "rows_repeated": 1,
                                    "rows_not_in_round": 1, "rows_unrecognised_answer": 1, "rows_rating_invalid": 2,
                                    "rows_with_comment": 2}
    assert schema_failures(RoundFeedback, table.assign(round=DAY)) == []
    assert "changed my mind" not in table.to_csv() and "x.org" not in table.to_csv()


def test_ratings_parse_from_the_ways_people_write_them():
    assert [parse_rating(t) for t in ("5", " 4.0 ", "3/5", "", "0", "6", "2.5", "good")] == [
        (5.0, True), (4.0, True), (3.0, True), (None, True), (None, False), (None, False), (None, False), (None, False)]


def test_no_shows_are_who_couldnt_make_it_and_whose_buddy_reported_them_unless_they_met():
    pairing = pd.DataFrame({"member_id": list("abcdefghij"), "group_id": [0, 0, 1, 1, 2, 2, 3, 3, 3, 4],
                            "kind": ["pair"] * 6 + ["triad"] * 3 + ["bye"]})
    feedback = pd.DataFrame({"member_id": list("acdefgh"),
                             "answer": ["buddy_no_show", "buddy_no_show", "met", "could_not_make_it", "buddy_no_show",
                                        "buddy_no_show", "buddy_no_show"]})
    # b: reported by a, silent; d: reported by c but says met; e: couldn't make it (f reported e too);
    # in the triad g, h and i: i is reported by both others, g and h each by only one other
    assert feedback_no_shows(feedback, pairing) == {"b", "e", "i"}


def _round_with_no_show(tmp_path, how: str):
    """A tiny two-round store where one member of a pair of the first round did not show, recorded
    `how`: in the controls file or by their buddy on the feedback form."""
    from vc_pipeline.sample.generate import generate_rounds, write_rounds
    from vc_pipeline_tests.test_small_rounds import _feasible

    days = [DAY, dt.date(2026, 6, 1)]
    exports = generate_rounds(days, [10, 10], seed=41, duplicates=0)
    folder = tmp_path / how
    write_rounds(folder / "surveys", {d: _feasible(e).assign(**{
        "Do you have a preference on who your buddy should be?": "No preference"}) for d, e in exports.items()})
    database = folder / "rounds.duckdb"
    materialize_round("2026-05-01", database, folder / "surveys", mode="passthrough")
    with duckdb.connect(str(database), read_only=True) as connection:
        pairs = connection.execute("SELECT member_id, partner_id FROM vc.ilp_pairing WHERE kind = 'pair' "
                                   "ORDER BY member_id").fetchall()
    email_of = {member_id(e, TEST_KEY): e for e in exports[DAY]["Your email address"]}
    absent, buddy = pairs[0]
    happy = [m for m, _ in pairs if m not in (absent, buddy)][:2]
    if how == "controls":
        (folder / "surveys" / "controls").mkdir()
        (folder / "surveys" / "controls" / "2026-05-01.yaml").write_text(f"no_shows: [{email_of[absent]}]\n")
    else:
        (folder / "surveys" / "feedback").mkdir()
        _write(folder / "surveys" / "feedback" / "2026-05-01.csv",
               [(email_of[buddy], "No, my buddy didn't show", "", "they never replied"),
                *[(email_of[m], "Yes", "4", "") for m in happy]])
    materialize_round("2026-05-01", database, folder / "surveys", mode="passthrough")
    materialize_round("2026-06-01", database, folder / "surveys", mode="passthrough")
    with duckdb.connect(str(database), read_only=True) as connection:
        read = (lambda sql: connection.execute(sql).fetchdf())
        return {"final": read("SELECT * FROM vc.final_pairing WHERE round = '2026-05-01' ORDER BY member_id"),
                "june": read("SELECT * FROM vc.ilp_pairing WHERE round = '2026-06-01' ORDER BY member_id"),
                "report": read("SELECT metric, value FROM vc.fairness_report WHERE round = '2026-05-01'"),
                "absent": absent, "database": database}


@pytest.mark.slow
def test_no_shows_from_feedback_drive_final_pairing_and_the_next_round_as_hand_typed_ones(tmp_path):
    typed, reported = _round_with_no_show(tmp_path, "controls"), _round_with_no_show(tmp_path, "feedback")
    assert reported["absent"] == typed["absent"]
    assert typed["final"].set_index("member_id").loc[typed["absent"], "kind"] == "no_show"
    pd.testing.assert_frame_equal(reported["final"], typed["final"])
    pd.testing.assert_frame_equal(reported["june"], typed["june"])
    figures = dict(reported["report"].itertuples(index=False))
    assert figures["feedback_response_rate"] == pytest.approx(3 / 10) and figures["meet_rate"] == pytest.approx(2 / 3)
    assert figures["rating_mean"] == 4.0 and figures["ratings"] == 2
    # emails and comments stay in raw_feedback
    with duckdb.connect(str(reported["database"]), read_only=True) as connection:
        raw = connection.execute("SELECT email, comment FROM vc.raw_feedback").fetchdf()
        tables = [t for (t,) in connection.execute("SELECT table_name FROM information_schema.tables "
                                                   "WHERE table_schema = 'vc' AND table_name NOT LIKE 'raw_%'").fetchall()]
        text = "\n".join(connection.execute(f'SELECT * FROM vc."{t}"').fetchdf().astype(str).to_csv()
                         for t in tables).casefold()
    assert len(raw) == 3 and "they never replied" in set(raw["comment"])
    assert not [v for v in (*raw["email"], "they never replied") if v.casefold() in text]


def test_a_member_who_missed_two_of_their_last_three_rounds_is_unreliable(tmp_path):
    from vc_pipeline.history.pairs import attendance

    rows = {"ilp": [], "final": []}
    # u missed rounds 2 and 4 of 1-4; v missed round 1 only (long ago, and once); w came every time
    kinds = {"u": ["pair", "no_show", "pair", "no_show"], "v": ["no_show", "pair", "pair", "pair"],
             "w": ["pair", "pair", "pair", "pair"]}
    for k in range(4):
        day = dt.date(2026, k + 1, 1)
        for g, (member, ks) in enumerate(kinds.items()):
            rows["ilp"].append({"round": day, "member_id": member, "group_id": g, "kind": "pair"})
            rows["final"].append({"round": day, "member_id": member, "group_id": g, "kind": ks[k]})
    with duckdb.connect(str(tmp_path / "rounds.duckdb")) as connection:
        connection.execute("CREATE SCHEMA vc")
        for name, table in (("ilp_pairing", pd.DataFrame(rows["ilp"])), ("final_pairing", pd.DataFrame(rows["final"]))):
            connection.register("rows", table)
            connection.execute(f"CREATE TABLE vc.{name} AS SELECT * FROM rows")
        assert attendance(connection, dt.date(2026, 5, 1)) == ({"u"}, {"u", "v", "w"})
        # as of round 4, u had missed only round 2 of their last three
        assert attendance(connection, dt.date(2026, 4, 1))[0] == set()


def test_an_unreliable_member_meets_a_returning_member_rather_than_a_first_timer():
    import numpy as np

    from vc_pipeline.pairing.constraints import hard_rules
    from vc_pipeline.pairing.rule_order import RoundHistory, rule_levels
    from vc_pipeline.pairing.solver import solve_pairing

    members = pd.DataFrame({"member_id": ["u", "n", "r", "s"], "role": ["ML Engineer"] * 4,
                            "wants_similar_role": [False] * 4})
    scores = np.array([[0, .9, .2, .3], [.9, 0, .4, .1], [.2, .4, 0, .5], [.3, .1, .5, 0]])
    history = RoundHistory(unreliable={"u"}, returning={"u", "r", "s"})
    levels = rule_levels(members, hard_rules(members, {}), history, None, strict=False, priority=False)
    assert "unreliable_with_newcomer" in [level.name for level in levels]
    groups = {frozenset(g) for g in solve_pairing(scores, levels=levels).groups}
    assert frozenset((0, 1)) not in groups  # the best-scored pair, u with the first-timer n, is avoided
    everyone_new = RoundHistory(unreliable={"u"}, returning={"u"})  # nobody but first-timers: it can't be avoided
    assert len(solve_pairing(scores, levels=rule_levels(members, hard_rules(members, {}), everyone_new, None,
                                                        strict=False, priority=False)).groups) == 2
