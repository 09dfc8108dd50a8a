"""Every fairness metric on hand-built rounds whose right values are worked out by hand below."""

import math

import numpy as np
import pandas as pd
import pytest

from vc_pipeline.report.exposure import exposure_figures
from vc_pipeline.report.fairness import fairness_metrics, report_rows
from vc_pipeline.report.match_quality import baseline_figures
from vc_pipeline.report.round_facts import RoundFacts

IDS = [f"m{i}" for i in range(7)]

# The upper triangle of a symmetric score matrix over m0..m6. Each member's two best partners:
# m0: m1 .8, m3 .35 | m1: m0, m2 | m2: m1, m3 | m3: m1, m2 | m4: m5, m1 | m5: m4, m1 | m6: m1, m5
SCORES = {(0, 1): .8, (0, 2): .3, (0, 3): .35, (0, 4): .2, (0, 5): .25, (0, 6): .1,
          (1, 2): .7, (1, 3): .65, (1, 4): .5, (1, 5): .45, (1, 6): .55,
          (2, 3): .4, (2, 4): .15, (2, 5): .2, (2, 6): .1,
          (3, 4): .3, (3, 5): .1, (3, 6): .05, (4, 5): .6, (4, 6): .12, (5, 6): .18}


def _scores() -> np.ndarray:
    scores = np.zeros((7, 7))
    for (i, j), value in SCORES.items():
        scores[i, j] = scores[j, i] = value
    return scores


def _members() -> pd.DataFrame:
    return pd.DataFrame({
        "member_id": IDS,
        "role": ["ML Engineer", "ML Engineer", "Data Scientist", "ML Engineer", "Founder", "Data Scientist", "Student"],
        "career_stage": [6, 6, 2, 4, 4, 5, 1],
        "utc_offset": [0.0, 1.0, -5.0, 5.5, 9.0, np.nan, 0.0],
        "wants_similar_role": [True, False, True, False, False, False, False],
        "has_wish": [True, False, True, True, False, False, True],
    })


def _row(member, group, kind, partner, score, backups=(None, None), violations="", setback=None):
    return {"member_id": member, "group_id": group, "kind": kind, "partner_id": partner, "score": score,
            "violations": violations, "setback": setback, "backup_1": backups[0], "backup_2": backups[1]}


def _pairing() -> pd.DataFrame:
    """m0+m1 (.8), m2+m3 (.4), m4+m5 (.6; they met before, so the group carries a violation), m6 bye."""
    met = "m4 + m5: met in an earlier round"
    return pd.DataFrame([
        _row("m0", 0, "pair", "m1", .8, ("m3", None)), _row("m1", 0, "pair", "m0", .8, ("m2", None)),
        _row("m2", 1, "pair", "m3", .4, ("m5", None), setback="similar_role_family"),
        _row("m3", 1, "pair", "m2", .4, ("m0", "m1")),
        _row("m4", 2, "pair", "m5", .6, violations=met), _row("m5", 2, "pair", "m4", .6, ("m6", None), violations=met),
        _row("m6", 3, "bye", None, np.nan, ("m1", None), setback="bye"),
    ])


def _facts(**changes) -> RoundFacts:
    wish_fit = np.zeros((7, 7))
    wish_fit[0, 1] = 0.5   # m0's wish fits m1: met
    wish_fit[2, 3] = 0.2   # m2's wish barely fits m3: unmet
    wish_fit[3, 2] = 0.9   # m3's wish fits m2: met
    wish_fit[6, 1] = 0.95  # m6 would love m1, but has the bye: unmet
    final = pd.DataFrame({"member_id": IDS, "source": ["planned"] * 4 + ["backup", "backup", "planned"]})
    # m0 and m1 (.8, the top group) met and rated 5 and 4; m2 (.4) met and rated 2; m4 (.6) met
    # unrated; m5 says m4 didn't show; m6 (bye) answered but is no group's member; m3 did not answer
    feedback = pd.DataFrame({"member_id": ["m0", "m1", "m2", "m4", "m5", "m6"],
                             "answer": ["met", "met", "met", "met", "buddy_no_show", "met"],
                             "rating": [5.0, 4.0, 2.0, np.nan, np.nan, 3.0]})
    facts = dict(pairing=_pairing(), members=_members(), scores=_scores(), wish_fit=lambda i, j: wish_fit[i, j],
                 met_before={frozenset(("m4", "m5")), frozenset(("m0", "m6"))}, final=final,
                 worse_off_before={"m6", "m0"}, feedback=feedback)
    return RoundFacts(**{**facts, **changes})


@pytest.fixture(scope="module")
def metrics() -> dict[str, float]:
    return fairness_metrics(_facts(), wish_threshold=0.38, candidates=2)


EXPECTED = {
    "members": 7, "pairs": 3, "triads": 0, "byes": 1, "unpaired": 0,
    # group scores .4, .6, .8: linear quantiles at positions 0.2, 0.5 and 1 of 0..2
    "score_median": .6, "score_p10": .44, "score_p25": .5, "score_min": .4,
    # m0 (ML Engineer) met m1 (ML Engineer); m2 (Data Scientist) met m3 (ML Engineer, the same family)
    "similar_role_requested": 2, "similar_role_exact": 1, "similar_role_family": 1, "similar_role_unmet": 0,
    "similar_role_satisfied_share": .5,
    # setbacks m2 (family) and m6 (bye), buddies missing for m4 and m5; m6 and m0 were worse off last round
    "worse_off": 4, "worse_off_twice": 1, "worse_off_twice_by_pairing": 1,
    # m2 (Data Scientist, asked) has one other Data Scientist, m5; m0 (asked) has m1 and m3
    "fresh_partners_min": 1, "fresh_same_role_min": 1,
    # m0 .5 and m3 .9 met; m2 .2 unmet; m6 (.95 for m1) is on a bye: neither met nor unmet
    "wishes_stated": 4, "wish_satisfied_share": 2 / 3,
    # two-best lists: m1 appears in 6 of 14 entries; the decile (1 member) is m1, met once of 6 matches
    "popular_candidate_share": 6 / 14, "popular_match_share": 1 / 6, "popular_exposure_ratio": (1 / 6) / (6 / 14),
    # stage gaps 0, 2, 1; three different role combinations; 1 h and 10.5 h apart (m5's place unknown)
    "cross_stage_share": 1 / 3, "role_mix_entropy": math.log2(3), "region_compatible_share": .5,
    # backup/primary: m0 .35/.8, m1 .7/.8, m2 .2/.4, m3 .35/.4 and .65/.4, m5 .18/.6 (m6's bye left out)
    "backup_score_ratio": (.5 + .875) / 2, "backups_used": 2,
    "repeat_pairs": 1, "constraint_violations": 1,
    # greedy under the rules (m4+m5 met, m0 and m2 need their role): m0+m1 .8, m3+m4 .3, m2+m5 .2, m6 left
    "score_total": 1.8, "baseline_score_total": 1.3, "baseline_unpaired": 1, "baseline_total_ratio": 1.8 / 1.3,
    # 5 of the 6 members in pairs answered, 4 of them met; ratings 5, 4 (.8 group) and 2 (.4 group)
    "feedback_response_rate": 5 / 6, "meet_rate": 4 / 5, "rating_mean": 11 / 3, "ratings": 3,
    # three groups by score rank 1, 2, 3 of 3: quintiles ceil(5/3) = 2, ceil(10/3) = 4 and 5
    "rating_score_q1": np.nan, "rating_score_q2": 2.0, "rating_score_q3": np.nan, "rating_score_q4": np.nan,
    "rating_score_q5": 4.5,
    # scores .8, .8, .4 against ratings 5, 4, 2: ranks (2.5, 2.5, 1) and (3, 2, 1)
    "rating_score_correlation": float(np.corrcoef([2.5, 2.5, 1], [3, 2, 1])[0, 1]),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_metric_on_a_hand_built_round(metrics, name):
    assert metrics[name] == pytest.approx(EXPECTED[name], abs=1e-9, nan_ok=True)


def test_report_holds_every_metric_the_issue_names(metrics):
    named = ("members pairs triads byes score_median score_p10 score_p25 score_min similar_role_requested "
             "similar_role_satisfied_share wish_satisfied_share popular_exposure_ratio cross_stage_share "
             "role_mix_entropy region_compatible_share backup_score_ratio backups_used repeat_pairs "
             "constraint_violations baseline_total_ratio").split()
    assert set(named) <= set(metrics) and set(metrics) == set(EXPECTED)
    rows = report_rows(metrics, "2026-01-01")
    assert list(rows.columns) == ["round", "metric", "value"] and len(rows) == len(metrics)


def test_a_triad_meets_every_partner_and_counts_three_pairs():
    """m0, m1, m3 (all ML Engineers) in a triad; m2+m5 (both Data Scientists); m4+m6."""
    rows = [_row(m, 0, "triad", ",".join(p for p in ("m0", "m1", "m3") if p != m), (.8 + .35 + .65) / 3)
            for m in ("m0", "m1", "m3")]
    rows += [_row("m2", 1, "pair", "m5", .2), _row("m5", 1, "pair", "m2", .2),
             _row("m4", 2, "pair", "m6", .12), _row("m6", 2, "pair", "m4", .12)]
    facts = _facts(pairing=pd.DataFrame(rows), met_before=set(), final=None)
    metrics = fairness_metrics(facts, wish_threshold=0.38)
    assert (metrics["triads"], metrics["pairs"], metrics["byes"]) == (1, 2, 0)
    assert metrics["similar_role_satisfied_share"] == 1.0  # m0's partners are both ML Engineers, m2 met m5
    assert metrics["score_total"] == pytest.approx(.8 + .35 + .65 + .2 + .12)
    assert metrics["score_median"] == pytest.approx(.2)  # groups .6, .2, .12
    # m0 meets m1 (wish .5) in the triad; m3's wish fits m2 only; m6 met m4 (wish 0); m2 met m5 (0)
    assert metrics["wish_satisfied_share"] == pytest.approx(1 / 4)
    # with 10-long lists everyone lists everyone: m0 (first of the tie) is the decile, in 2 of 10 matches
    assert metrics["popular_match_share"] == pytest.approx(2 / 10)
    assert metrics["backups_used"] == 0 and metrics["repeat_pairs"] == 0


def test_a_requester_on_the_bye_is_neither_met_nor_unmet():
    members = _members()
    members.loc[6, "wants_similar_role"] = True  # m6 (Student) asks, and has the bye
    metrics = fairness_metrics(_facts(members=members), wish_threshold=0.38)
    assert metrics["similar_role_requested"] == 3 and metrics["similar_role_satisfied_share"] == 0.5


def test_shares_over_nobody_are_nan():
    members = _members().assign(wants_similar_role=False, has_wish=False)
    metrics = fairness_metrics(_facts(members=members), wish_threshold=0.38)
    assert np.isnan(metrics["similar_role_satisfied_share"]) and np.isnan(metrics["wish_satisfied_share"])
    assert metrics["similar_role_requested"] == 0 and metrics["wishes_stated"] == 0


def test_exposure_when_everyone_is_in_every_list():
    """Six-long lists over seven members: everyone appears six times, so the decile is m0 by order."""
    figures = exposure_figures(_facts(), candidates=6)
    # m0 (first of the tie) holds 6 of 42 entries and 1 of 6 matches
    assert figures["popular_candidate_share"] == pytest.approx(1 / 7)
    assert figures["popular_exposure_ratio"] == pytest.approx((1 / 6) / (1 / 7))


@pytest.mark.parametrize(("controls", "total"), [
    # m0+m1 blocked: m1+m3 .65, m2+m5 .2, m4+m6 .12, m0 left (its only other ML Engineer is taken)
    ({"blocked": {frozenset(("m0", "m1"))}}, .65 + .2 + .12),
    # m0 pinned to m3: m1+m6 .55, m0+m3 .35, m2+m5 .2, m4 left
    ({"pinned": {frozenset(("m0", "m3"))}}, .55 + .35 + .2),
    # a pin overrides the no-repeat rule (m0 and m6 met before), as in the round's own pairing
    ({"pinned": {frozenset(("m0", "m6"))}}, .65 + .2 + .1),
], ids=["block", "pin", "pin-over-history"])
def test_the_greedy_baseline_keeps_the_organizers_blocks_and_pins(controls, total):
    figures = baseline_figures(_facts(**controls))
    assert figures["baseline_score_total"] == pytest.approx(total)
    assert figures["baseline_unpaired"] == 1
