"""Who was worse off this round, who was worse off twice in a row, and how many fresh partners are left."""

import numpy as np

from vc_pipeline.report.round_facts import RoundFacts

# final_pairing sources of a member whose buddy did not show
_BUDDY_MISSING = ("backup", "rematch", "unpaired")


def worse_off_now(facts: RoundFacts) -> set[str]:
    """Members worse off this round: a setback in the pairing (bye, unpaired, similar-role request
    met only by family or not at all, a weak pair) or a buddy who did not show (final_pairing)."""
    pairing = facts.pairing
    worse = set(pairing.loc[pairing["setback"].notna(), "member_id"]) if "setback" in pairing else set()
    if facts.final is not None:
        worse |= set(facts.final.loc[facts.final["source"].isin(_BUDDY_MISSING), "member_id"])
    return worse


def setback_figures(facts: RoundFacts) -> dict[str, float]:
    """`worse_off`: members worse off this round; `worse_off_twice`: of those, the ones also worse
    off in the previous round; `worse_off_twice_by_pairing`: of those, the ones the pairing itself
    gave a setback (the rest lost their buddy to a no-show, which no pairing decides)."""
    now = worse_off_now(facts)
    pairing = facts.pairing
    by_pairing = set(pairing.loc[pairing["setback"].notna(), "member_id"]) if "setback" in pairing else set()
    return {"worse_off": float(len(now)), "worse_off_twice": float(len(now & facts.worse_off_before)),
            "worse_off_twice_by_pairing": float(len(by_pairing & facts.worse_off_before))}


def fresh_partner_figures(facts: RoundFacts) -> dict[str, float]:
    """`fresh_partners_min`: the fewest partners any member may still meet for the first time in
    this round (a similar-role requester: of their role); `fresh_same_role_min`: the same over
    requesters only (NaN without requesters)."""
    from vc_pipeline.pairing.constraints import hard_rules, pin_mask
    from vc_pipeline.pairing.rule_order import fresh_partners

    if facts.members.empty:
        return {"fresh_partners_min": np.nan, "fresh_same_role_min": np.nan}
    rules = hard_rules(facts.members, facts.met_before, facts.blocked)
    pins = [tuple(facts.index[m] for m in pair) for pair in facts.pinned if pair <= facts.index.keys()]
    fresh = fresh_partners(facts.members, rules, rules.blocked | pin_mask(len(facts.members), pins))
    asked = facts.members["wants_similar_role"].to_numpy(bool)
    return {"fresh_partners_min": float(fresh.min()),
            "fresh_same_role_min": float(fresh[asked].min()) if asked.any() else np.nan}
