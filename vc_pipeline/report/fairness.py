"""fairness_report: a round's figures as `metric, value` rows."""

import numpy as np
import pandas as pd

from vc_pipeline.report.backup_use import backup_figures
from vc_pipeline.report.balance import balance_figures
from vc_pipeline.report.exposure import CANDIDATES, exposure_figures
from vc_pipeline.report.feedback import feedback_figures
from vc_pipeline.report.match_quality import baseline_figures, score_figures
from vc_pipeline.report.preferences import similar_role_figures, wish_figures
from vc_pipeline.report.round_facts import RoundFacts
from vc_pipeline.report.setbacks import fresh_partner_figures, setback_figures


def group_counts(pairing: pd.DataFrame) -> dict[str, float]:
    """Members, and the pairs, triads and byes they meet in."""
    groups = pairing.drop_duplicates("group_id")["kind"].value_counts()
    return {"members": float(len(pairing)), **{f"{kind}s": float(groups.get(kind, 0)) for kind in ("pair", "triad", "bye")},
            "unpaired": float((pairing["kind"] == "unpaired").sum())}


def rule_figures(facts: RoundFacts) -> dict[str, float]:
    """`repeat_pairs`: two members who meet again after an earlier round (must be 0);
    `constraint_violations`: groups the pairing had to put together against a hard rule."""
    ids = facts.members["member_id"].to_numpy()
    repeats = sum(frozenset((ids[a], ids[b])) in facts.met_before for a, b in facts.edges())
    broken = facts.pairing.loc[facts.pairing["violations"].fillna("") != "", "group_id"].nunique()
    return {"repeat_pairs": float(repeats), "constraint_violations": float(broken)}


def fairness_metrics(facts: RoundFacts, wish_threshold: float, candidates: int = CANDIDATES) -> dict[str, float]:
    """Every figure of the round, in report order; a share over nobody is NaN.

    `wish_threshold`: the wish-to-profile cosine at which a free-text wish counts as met (the
    calibrated ScoreWeights.wish_threshold); `candidates`: length of the candidate lists that
    define popular profiles.
    """
    return {
        **group_counts(facts.pairing),
        **score_figures(facts),
        **similar_role_figures(facts),
        **wish_figures(facts, wish_threshold),
        **exposure_figures(facts, candidates),
        **balance_figures(facts),
        **backup_figures(facts),
        **rule_figures(facts),
        **setback_figures(facts),
        **fresh_partner_figures(facts),
        **baseline_figures(facts),
        **feedback_figures(facts),
    }


def report_rows(metrics: dict[str, float], round_value) -> pd.DataFrame:
    """The metrics as `round, metric, value` rows."""
    values = [float(v) if v is not None else np.nan for v in metrics.values()]
    return pd.DataFrame({"round": [round_value] * len(metrics), "metric": list(metrics), "value": values})
