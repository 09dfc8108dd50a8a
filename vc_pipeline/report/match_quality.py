"""How good the round's matches are, and how much better than pairing greedily."""

import numpy as np

from vc_pipeline.report.round_facts import RoundFacts, group_scores


def score_figures(facts: RoundFacts) -> dict[str, float]:
    """Quantiles of the groups' scores (one per pair or triad); NaN when nobody met."""
    scores = group_scores(facts.pairing)
    if not len(scores):
        return dict.fromkeys(("score_median", "score_p10", "score_p25", "score_min"), np.nan)
    return {"score_median": float(np.quantile(scores, 0.5)), "score_p10": float(np.quantile(scores, 0.1)),
            "score_p25": float(np.quantile(scores, 0.25)), "score_min": float(scores.min())}


def baseline_figures(facts: RoundFacts) -> dict[str, float]:
    """Our total raw score (every two members who meet) against the greedy best-pair-first
    pairing's on the same score matrix under the same rules (no earlier pair, a similar role for
    whoever asked, the organizers' blocks and pins): `baseline_total_ratio` = ours / greedy's (NaN
    when greedy pairs nobody)."""
    from vc_pipeline.pairing.constraints import hard_rules, pin_mask
    from vc_pipeline.pairing.greedy import greedy_pairing

    edges = facts.edges()
    ours = float(facts.scores[edges[:, 0], edges[:, 1]].sum())
    pins = [tuple(facts.index[m] for m in pair) for pair in facts.pinned if pair <= facts.index.keys()]
    forbidden = hard_rules(facts.members, facts.met_before, facts.blocked).any | pin_mask(len(facts.scores), pins)
    for i, j in pins:  # a pin overrides the other rules, as in the round's own pairing
        forbidden[i, j] = forbidden[j, i] = False
    groups, greedy = greedy_pairing(facts.scores, forbidden)
    return {
        "score_total": ours,
        "baseline_score_total": greedy,
        "baseline_unpaired": float(sum(len(g) == 1 for g in groups)),
        "baseline_total_ratio": ours / greedy if greedy > 0 else np.nan,
    }
