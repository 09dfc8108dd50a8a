"""The order of the rules when they cannot all hold: the solver against a brute-force lexicographic
optimum over every grouping of up to 10 members, and the cases that broke it as regression tests."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vc_pipeline.pairing.round_pairing import RoundInfeasible, solve_round
from vc_pipeline.pairing.rule_order import RoundHistory
from vc_pipeline.pairing.settings import PairingSettings
from vc_pipeline.pairing.solver import Level, solve_pairing
from vc_pipeline_tests.test_pairing import NEUTRAL, member_id, members_table, symmetric


def groupings(n: int, odd: str, bye_allowed: list[int]):
    """Every way to place n members: pairs, (odd n) exactly one bye from `bye_allowed` or at most
    one triad, and anyone else left out. Yields (groups, left_out)."""

    def extend(rest, groups, left_out, spare):
        if not rest:
            if spare == 0 or odd == "triad":
                yield list(groups), list(left_out)
            return
        first, others = rest[0], rest[1:]
        yield from extend(others, groups, left_out + [first], spare)
        if spare and odd == "bye" and first in bye_allowed:
            yield from extend(others, groups + [(first,)], left_out, 0)
        for k, j in enumerate(others):
            yield from extend(others[:k] + others[k + 1:], groups + [(first, j)], left_out, spare)
        if spare and odd == "triad":
            for j, k in itertools.combinations(others, 2):
                yield from extend([m for m in others if m not in (j, k)], groups + [(first, j, k)], left_out, 0)

    yield from extend(list(range(n)), [], [], n % 2)


def key(groups, left_out, scores, levels):
    """What the rule order compares, smallest first: members left out, each level, minus the score."""
    used = [p for g in groups for p in itertools.combinations(g, 2)]
    return (len(left_out), *(level.cost(groups) for level in levels), -sum(scores[p] for p in used))


def brute_force(scores, forbidden, levels, odd="bye", bye_allowed=None):
    """The best key over every grouping. A member who may meet nobody sits out first, and the
    others are a round of their own (one bye or triad when they are an odd number); a round of
    one is a bye."""
    n = len(scores)
    alone = [i for i in range(n) if all(forbidden[i, j] for j in range(n) if j != i)] if n > 1 else []
    if alone:  # all of them, when the blocks leave nobody a partner: then nobody takes a bye
        keep = [i for i in range(n) if i not in alone]
        sub = np.ix_(keep, keep)
        best = brute_force(scores[sub], forbidden[sub], [Level(v.name, v.pairs[sub], v.byes[keep]) for v in levels],
                           odd, None if bye_allowed is None else bye_allowed[keep])
        return (best[0] + len(alone), *best[1:])
    odd = odd if n >= 3 else "bye"  # fewer than three members cannot make a triad
    allowed_byes = [i for i in range(n) if bye_allowed is None or bye_allowed[i]] or list(range(n))
    best = None
    for groups, left_out in groupings(n, odd, allowed_byes):
        if any(forbidden[p] for g in groups for p in itertools.combinations(g, 2)):
            continue
        found = key(groups, left_out, scores, levels)
        best = found if best is None or found < best else best
    return best


@st.composite
def ordered_rounds(draw, max_members=10):
    n = draw(st.integers(min_value=1, max_value=max_members))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scores = np.round(rng.random((n, n)), 3)
    scores = np.triu(scores, 1) + np.triu(scores, 1).T
    forbidden = np.triu(rng.random((n, n)) < draw(st.sampled_from([0.0, 0.2, 0.5])), 1)
    forbidden = forbidden | forbidden.T
    levels = []
    for name in range(draw(st.integers(1, 4))):
        # sparse small costs, like the rules: most pairs keep every rule
        costs = np.triu(rng.integers(0, 3, (n, n)) * (rng.random((n, n)) < draw(st.sampled_from([0.2, 0.5, 0.9]))), 1)
        byes = rng.integers(0, 2, n) * (rng.random(n) < 0.5)
        levels.append(Level(f"rule{name}", costs + costs.T, byes=byes))
    return scores, forbidden, levels


def _check_against_brute_force(scores, forbidden, levels, odd):
    result = solve_pairing(scores, forbidden, levels=levels, odd=odd)
    expected = brute_force(scores, forbidden, levels, odd)
    members = sorted(i for g in result.groups for i in g)
    assert members == list(range(len(scores)))
    assert not any(forbidden[p] for g in result.groups for p in itertools.combinations(g, 2))
    placed = [g for g in result.groups if len(g) > 1 or g[0] not in result.left_out]
    got = key(placed, result.left_out, scores, levels)
    assert got[:-1] == expected[:-1]  # left out, then every level, exactly
    assert got[-1] == pytest.approx(expected[-1], abs=1e-9)
    assert result.broken == {level.name: cost for level, cost in zip(levels, got[1:-1])}
    assert result.proven_optimal


@pytest.mark.slow
@settings(max_examples=120, deadline=None)
@given(ordered_rounds())
def test_the_rules_are_kept_in_order_as_brute_force_finds(round_):
    _check_against_brute_force(*round_, odd="bye")


@settings(max_examples=40, deadline=None)
@given(ordered_rounds(max_members=9))
def test_the_rules_are_kept_in_order_with_a_triad(round_):
    _check_against_brute_force(*round_, odd="triad")


def test_one_broken_rule_in_a_higher_level_outweighs_any_number_below():
    # {0,1},{2,3} breaks the first rule once; the other two pairings break only the second, twice
    first = np.zeros((4, 4))
    first[0, 1] = first[1, 0] = 1
    second = np.zeros((4, 4))
    second[0, 2] = second[2, 0] = second[1, 3] = second[3, 1] = 1
    second[0, 3] = second[3, 0] = second[1, 2] = second[2, 1] = 1
    scores = np.full((4, 4), 0.5)
    result = solve_pairing(scores, levels=[Level("first", first), Level("second", second)])
    assert result.broken == {"first": 0.0, "second": 2.0} and (0, 1) not in result.groups


# --- the round's rules, on solve_round ---------------------------------------------------------

def _history(*pairs_ago, worse_off=()):
    return RoundHistory(met_before={frozenset((member_id(a), member_id(b))): ago for a, b, ago in pairs_ago},
                        worse_off={member_id(i) for i in worse_off})


def _partner(result, i):
    return result.table.set_index("member_id").loc[member_id(i), "partner_id"]


def _row(result, i):
    return result.table.set_index("member_id").loc[member_id(i)]


def test_a_block_is_never_broken_to_avoid_a_repeat():
    # blocks [a, b], [a, c] and a met d before: a meets d again rather than a blocked person
    members = members_table(["ML Engineer"] * 4)
    blocks = [frozenset((member_id(0), member_id(1))), frozenset((member_id(0), member_id(2)))]
    result = solve_round(members, symmetric(4, 1), _history((0, 3, 2)), PairingSettings(**NEUTRAL), blocked=blocks)
    assert _partner(result, 0) == member_id(3) and _partner(result, 1) == member_id(2)
    assert result.pairing.broken["repeat"] == 1 and "met in an earlier round" in result.violations[0]


def test_a_member_blocked_with_everyone_sits_out_named_and_the_round_completes():
    members = members_table(["ML Engineer"] * 6)
    blocks = [frozenset((member_id(0), member_id(k))) for k in range(1, 6)]
    result = solve_round(members, symmetric(6, 2), settings=PairingSettings(**NEUTRAL), blocked=blocks)
    row = _row(result, 0)
    assert row["kind"] == "unpaired" and row["setback"] == "unpaired" and "keep them from 5" in row["violations"]
    assert any(member_id(0) in text for text in result.unpaired)
    # the other five are a round of their own: two pairs and the bye, never a blocked pair
    assert (result.table["kind"] == "pair").sum() == 4 and (result.table["kind"] == "bye").sum() == 1
    with pytest.raises(RoundInfeasible, match=member_id(0)):
        solve_round(members, symmetric(6, 2), settings=PairingSettings(**NEUTRAL, on_infeasible="fail"), blocked=blocks)
    odd = solve_round(members.iloc[:5], symmetric(5, 2), settings=PairingSettings(**NEUTRAL), blocked=blocks)
    assert _row(odd, 0)["kind"] == "unpaired" and (odd.table["kind"] == "pair").sum() == 4


def test_nobody_is_left_out_to_avoid_a_repeat():
    members = members_table(["ML Engineer"] * 4)
    everyone_met = [(a, b, 1) for a, b in itertools.combinations(range(4), 2)]
    result = solve_round(members, symmetric(4, 3), _history(*everyone_met), PairingSettings(**NEUTRAL))
    assert (result.table["kind"] == "pair").all() and result.pairing.broken["repeat"] == 2


def test_an_unavoidable_repeat_is_never_last_rounds_pair_and_is_the_oldest():
    # 0 has met 1 (last round), 2 (three rounds ago) and 3 (two rounds ago), and must meet one of them
    members = members_table(["ML Engineer"] * 4)
    scores = symmetric(4, 4)
    scores[0, 1] = scores[1, 0] = 0.99  # last round's pair scores best: still not chosen
    history = _history((0, 1, 1), (0, 2, 3), (0, 3, 2))
    result = solve_round(members, scores, history, PairingSettings(**NEUTRAL))
    assert _partner(result, 0) == member_id(2)
    assert result.pairing.broken["previous_round_repeat"] == 0 and result.pairing.broken["repeat"] == 1


def test_a_repeat_is_never_made_to_meet_a_similar_role_request():
    # 0 (Founder, asked) has met the only other Founder: meeting a fresh Data Scientist beats a repeat
    members = members_table(["Founder", "Founder", "Data Scientist", "Data Scientist"], similar=[True, False, False, False])
    result = solve_round(members, symmetric(4, 5), _history((0, 1, 3)), PairingSettings(**NEUTRAL))
    assert _partner(result, 0) != member_id(1) and result.pairing.broken["repeat"] == 0
    assert _row(result, 0)["setback"] == "similar_role_unmet"


@pytest.mark.parametrize("roles, expected_partner, setback", [
    (["ML Engineer", "ML Engineer", "Data Scientist", "Founder"], 1, None),                       # exact role
    (["ML Engineer", "Founder", "Data Scientist", "Founder"], 2, "similar_role_family"),          # family
    (["ML Engineer", "Founder", "Sales and Marketing", "Founder"], None, "similar_role_unmet"),   # any role
])
def test_a_similar_role_request_falls_back_step_by_step(roles, expected_partner, setback):
    members = members_table(roles, similar=[True, False, False, False])
    scores = symmetric(4, 6)
    scores[0, 3] = scores[3, 0] = 0.99  # the Founder is 0's best-scoring partner
    scores[1, 2] = scores[2, 1] = 0.99  # and 1 + 2 would love to meet
    result = solve_round(members, scores, settings=PairingSettings(**NEUTRAL))
    if expected_partner is not None:
        assert _partner(result, 0) == member_id(expected_partner)
    got = _row(result, 0)["setback"]
    assert (pd.isna(got) if setback is None else got == setback)
    assert result.pairing.broken["similar_role_family"] == (setback == "similar_role_family")
    assert result.pairing.broken["similar_role_unmet"] == (setback == "similar_role_unmet")


def test_last_rounds_worse_off_are_spared_the_bye_and_a_weak_pair():
    members = members_table(["ML Engineer"] * 5)
    scores = symmetric(5, 7)
    settings_ = PairingSettings(**{**NEUTRAL, "min_pair_quality": 0.3})
    scores[0, :] = scores[:, 0] = 0.9
    plain = solve_round(members, scores, settings=settings_)
    bye = next(i for i in range(5) if _row(plain, i)["kind"] == "bye")
    spared = solve_round(members, scores, _history(worse_off=[bye]), settings_)
    assert _row(spared, bye)["kind"] == "pair" and spared.pairing.broken["worse_off_again"] == 0
    # every pairing has one weak pair (3 with anyone): whoever was worse off last round is not in it
    weak = np.full((4, 4), 0.9)
    np.fill_diagonal(weak, 0)
    weak[3, :3] = weak[:3, 3] = 0.1
    four = members_table(["ML Engineer"] * 4)
    first = solve_round(four, weak, settings=settings_)
    assert first.pairing.broken["low_quality"] == 1
    for member in (0, 1, 2):
        again = solve_round(four, weak, _history(worse_off=[member]), settings_)
        assert again.pairing.broken["low_quality"] == 1 and pd.isna(_row(again, member)["setback"])


def test_a_year_of_the_same_hundred_people_never_repeats_a_pair():
    # the case that broke: a Founder asking for a similar role nobody left could give
    rng = np.random.default_rng(11)
    roles = ["Founder", "Founder"] + list(rng.choice(["ML Engineer", "Data Scientist", "Software Engineer",
                                                      "Data Engineer", "Management"], 98))
    similar = [True, False] + list(rng.random(98) < 0.25)
    members = members_table(roles, similar=similar)
    ages: dict[frozenset[str], int] = {}
    for round_number in range(6):
        result = solve_round(members, symmetric(100, 100 + round_number), RoundHistory(met_before=dict(ages)),
                             PairingSettings(**NEUTRAL))
        pairs = {frozenset(p) for p in result.table[result.table["kind"] == "pair"].groupby("group_id")["member_id"]
                 .apply(tuple)}
        assert not pairs & set(ages), f"round {round_number + 1} repeated a pair"
        assert result.pairing.broken["repeat"] == 0 and (result.table["kind"] == "pair").all()
        ages = {pair: age + 1 for pair, age in ages.items()} | dict.fromkeys(pairs, 1)


def test_fresh_partners_left_are_counted_and_a_thin_requester_is_named():
    # 0 (ML Engineer, asked) has met 1, so of their role only 2 is fresh; 3 has met 4 and 5
    members = members_table(["ML Engineer", "ML Engineer", "ML Engineer", "Founder", "Founder", "Data Scientist"],
                            similar=[True, False, False, False, False, False])
    result = solve_round(members, symmetric(6, 8), _history((0, 1, 2), (3, 4, 1), (3, 5, 3)),
                         PairingSettings(**NEUTRAL))
    assert result.summary["fresh_same_role_min"] == 1 and result.summary["fresh_partners_min"] == 1
    assert result.summary["fresh_partners_members"] == {"0": 0, "1-2": 1, "3-5": 5, "6-10": 0, "11-20": 0, "21+": 0}
    assert len(result.thin_fresh_partners) == 1 and result.thin_fresh_partners[0].startswith(member_id(0))


def test_structured_hard_rules_match_their_pair_by_pair_definition():
    from vc_pipeline.pairing.constraints import hard_rules
    from vc_pipeline.scoring.components import role_family_matrix

    roles = ["ML Engineer", "Founder", "Data Scientist", "Founder", "Student", "ML Engineer"]
    members = members_table(roles, similar=[True, False, True, False, False, True])
    ids = list(members["member_id"])
    met = {frozenset((ids[0], ids[1])): 2, frozenset((ids[4], ids[5])): 1}
    rules = hard_rules(members, met, blocked=[frozenset((ids[2], ids[3]))])
    asked, family = members["wants_similar_role"].to_numpy(), role_family_matrix(roles)
    for i, j in itertools.product(range(6), repeat=2):
        other, requesters = roles[i] != roles[j], int(asked[i]) + int(asked[j])
        assert rules.role_mismatch[i, j] == (other and requesters > 0)
        assert rules.role_unmet[i, j] == (requesters if not family[i, j] else 0)
        assert rules.role_family[i, j] == (requesters if other and family[i, j] else 0)
        assert rules.rounds_ago[i, j] == met.get(frozenset((ids[i], ids[j])), 0)
        assert rules.blocked[i, j] == ({i, j} == {2, 3})
    assert rules.mismatches() == int(np.triu(rules.role_mismatch, 1).sum())
