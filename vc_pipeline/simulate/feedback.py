"""How simulated members answer the feedback form: from a hidden utility of the pair they met.

Members value the score's components by `hidden` weights that the pipeline never sees (by
default unlike the hand weights: skills and career stage matter most). A pair's hidden utility is
the weighted mean of the components it was paired on (`fit_*`); its rating is that utility placed
between the round's 5th and 95th percentile over every possible pair, on 1–5, plus noise. About
`response_rate` of the members answer; a member picked as a no-show says they couldn't make it, and
their buddy that their buddy didn't show.
"""

import random

import numpy as np
import pandas as pd

from vc_pipeline.feedback.form import HEADERS
from vc_pipeline.scoring.pair_scores import COMPONENTS

# what the simulated members really value, one weight per score component (COMPONENTS order)
MEMBERS_VALUE = (0.05, 0.40, 0.05, 0.35, 0.15, 0.0)


def hidden_utility(components: pd.DataFrame, hidden: tuple[float, ...], prefix: str = "") -> np.ndarray:
    """Each row's hidden utility: Σ hidden_k · component_k / Σ hidden (columns `prefix + component`)."""
    weights = np.asarray(hidden, dtype=float)
    values = components[[prefix + c for c in COMPONENTS]].to_numpy(float)
    return values @ (weights / weights.sum())


def simulated_feedback(pairing: pd.DataFrame, emails: dict[str, str], no_shows: set[str], scale: tuple[float, float],
                       hidden: tuple[float, ...], response_rate: float, noise: float, seed: str) -> pd.DataFrame:
    """The round's feedback export (the form's headers): `pairing` is ilp_pairing rows (fit_*),
    `emails` member id -> email, `no_shows` the emails of members who did not show, `scale` the
    (low, high) utility that rates 1 and 5."""
    rng = random.Random(seed)
    low, high = scale
    rows = []
    meeting = pairing[pairing["kind"].isin(["pair", "triad"])].sort_values(["group_id", "member_id"])
    for _, group in meeting.groupby("group_id", sort=True):
        utility = float(hidden_utility(group, hidden, "fit_").mean())
        absent = {m for m in group["member_id"] if emails[m] in no_shows}
        for member in group["member_id"]:
            if rng.random() >= response_rate:
                continue
            if member in absent:
                rows.append((emails[member], "No, I couldn't make it", "", ""))
            elif len(absent) == len(group) - 1:
                rows.append((emails[member], "No, my buddy didn't show", "", ""))
            else:
                rating = 1 + 4 * (utility - low) / max(high - low, 1e-9) + rng.gauss(0, noise)
                rows.append((emails[member], "Yes", str(int(min(5, max(1, round(rating))))), ""))
    return pd.DataFrame(rows, columns=list(HEADERS))
