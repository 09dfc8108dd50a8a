"""fairness_report: a round's figures as `metric, value` rows."""

from collections.abc import Iterable

import numpy as np
import pandas as pd


def _pairs_of(pairing: pd.DataFrame) -> list[frozenset[str]]:
    grouped = pairing[pairing["kind"] != "bye"].groupby("group_id")["member_id"].apply(list)
    return [frozenset((a, b)) for members in grouped for i, a in enumerate(members) for b in members[i + 1:]]


def fairness_metrics(pairing: pd.DataFrame, members: pd.DataFrame, met_before: Iterable[frozenset[str]]) -> dict[str, float]:
    """Figures of a round: group counts, pair-score quantiles, similar-role requests met, repeats.

    `pairing`: ilp_pairing rows; `members`: normalized_members rows; `met_before`: earlier pairs.
    A share over nobody (no similar-role requests) is NaN.
    """
    pair_scores = pairing.loc[pairing["kind"] == "pair"].drop_duplicates("group_id")["score"].to_numpy(float)
    roles = members.set_index("member_id")["role"]
    asked = members.loc[members["wants_similar_role"], "member_id"]
    partners = pairing.set_index("member_id")["partner_id"]
    # a triad member has two partners ("a,b"): every one of them must share the role
    met_similar = [pd.notna(partners.get(m)) and all(roles.get(p) == roles[m] for p in partners[m].split(","))
                   for m in asked]
    earlier = set(met_before)
    quantile = (lambda q: float(np.quantile(pair_scores, q))) if len(pair_scores) else (lambda q: np.nan)
    return {
        "members": float(len(pairing)),
        "pairs": float((pairing["kind"] == "pair").sum() / 2),
        "triads": float(pairing.loc[pairing["kind"] == "triad", "group_id"].nunique()),
        "byes": float((pairing["kind"] == "bye").sum()),
        "score_total": float(pair_scores.sum()),
        "score_median": quantile(0.5),
        "score_p10": quantile(0.1),
        "score_min": float(pair_scores.min()) if len(pair_scores) else np.nan,
        "similar_role_requested": float(len(asked)),
        "similar_role_satisfied_share": float(np.mean(met_similar)) if len(asked) else np.nan,
        "repeat_pairs": float(sum(1 for p in _pairs_of(pairing) if p in earlier)),
    }


def report_rows(metrics: dict[str, float], round_value) -> pd.DataFrame:
    """The metrics as `round, metric, value` rows."""
    return pd.DataFrame({"round": [round_value] * len(metrics), "metric": list(metrics), "value": list(metrics.values())})
