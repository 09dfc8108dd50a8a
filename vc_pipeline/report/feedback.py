"""What the feedback says about the round: who answered, who met, how it went, and whether the
pairs we scored higher were the coffees people rated higher."""

import numpy as np
import pandas as pd

from vc_pipeline.report.round_facts import ALONE, RoundFacts

QUINTILES = 5


def rated_groups(facts: RoundFacts) -> pd.DataFrame:
    """Per answering member of a pair or triad: its group's score, its score quintile among the
    round's groups (1 = lowest scores, 5 = highest), the answer and the rating."""
    meeting = facts.pairing[~facts.pairing["kind"].isin(ALONE)]
    groups = meeting.drop_duplicates("group_id")[["group_id", "score"]].reset_index(drop=True)
    # by rank, so ties and small rounds still spread over the quintiles and the best group is in q5
    ranks = groups["score"].rank(method="first")
    groups["quintile"] = np.ceil(ranks / max(len(groups), 1) * QUINTILES).astype(int)
    feedback = facts.feedback if facts.feedback is not None else pd.DataFrame(columns=["member_id", "answer", "rating"])
    answered = meeting[["member_id", "group_id"]].merge(feedback[["member_id", "answer", "rating"]], on="member_id")
    return answered.merge(groups, on="group_id")


def _quintile_means(rated: pd.DataFrame) -> dict[str, float]:
    means = rated.dropna(subset=["rating"]).groupby("quintile")["rating"].mean()
    return {f"rating_score_q{q}": float(means.get(q, np.nan)) for q in range(1, QUINTILES + 1)}


def feedback_figures(facts: RoundFacts) -> dict[str, float]:
    """`feedback_response_rate`: members of pairs and triads who answered the feedback form, over
    all of them; `meet_rate`: answering members who met; `rating_mean`: their mean 1–5 rating;
    `ratings`: how many ratings; `rating_score_q1..q5`: the mean rating in each quintile of group
    score (q5 the best-scored groups); `rating_score_correlation`: Spearman's rank correlation of
    group score and rating (NaN below 3 ratings, or when either is constant)."""
    meeting = int((~facts.pairing["kind"].isin(ALONE)).sum())
    rated = rated_groups(facts)
    ratings = rated.dropna(subset=["rating"])
    correlation = (float(ratings["score"].rank().corr(ratings["rating"].rank()))
                   if len(ratings) >= 3 and ratings["score"].nunique() > 1 and ratings["rating"].nunique() > 1 else np.nan)
    return {
        "feedback_response_rate": len(rated) / meeting if meeting else np.nan,
        "meet_rate": float((rated["answer"] == "met").mean()) if len(rated) else np.nan,
        "rating_mean": float(ratings["rating"].mean()) if len(ratings) else np.nan,
        "ratings": float(len(ratings)),
        **_quintile_means(rated),
        "rating_score_correlation": correlation,
    }
