"""Balance across the round's pairs: career stages, roles, time zones."""

import numpy as np

from vc_pipeline.report.round_facts import RoundFacts

# Two stages apart is where the cross-stage lever gives its full bonus (pairing/levers.py).
CROSS_STAGE_GAP = 2
# At most 6 hours apart leaves two shared hours in two 9-to-5 working days.
COMPATIBLE_HOURS = 6.0


def _share(flags: np.ndarray) -> float:
    return float(flags.mean()) if len(flags) else np.nan


def role_mix_entropy(pair_roles: list[tuple[str, str]]) -> float:
    """Shannon entropy in bits of the unordered role pairs met (0 when every pair is the same
    combination; higher when the round mixes many combinations); NaN when nobody met."""
    if not pair_roles:
        return np.nan
    _, counts = np.unique(["|".join(sorted(p)) for p in pair_roles], return_counts=True)
    shares = counts / counts.sum()
    return float(-(shares * np.log2(shares)).sum()) + 0.0  # + 0.0: one combination is 0.0, not -0.0


def balance_figures(facts: RoundFacts) -> dict[str, float]:
    """Over every two members who meet: the share two or more career stages apart, the entropy of
    the role combinations, and the share at most 6 hours apart (pairs with an unknown place left out)."""
    a, b = facts.edges().T
    stages = facts.members["career_stage"].to_numpy(float)
    roles = facts.members["role"].to_numpy()
    offsets = facts.members["utc_offset"].to_numpy(float)
    gap = np.abs(offsets[a] - offsets[b])
    gap = np.minimum(gap, 24 - gap)
    known = ~np.isnan(gap)
    return {
        "cross_stage_share": _share(np.abs(stages[a] - stages[b]) >= CROSS_STAGE_GAP),
        "role_mix_entropy": role_mix_entropy(list(zip(roles[a], roles[b]))),
        "region_compatible_share": _share(gap[known] <= COMPATIBLE_HOURS),
    }
