"""How good the backups are, and how many were needed."""

import numpy as np

from vc_pipeline.report.round_facts import ALONE, RoundFacts


def backup_figures(facts: RoundFacts) -> dict[str, float]:
    """`backup_score_ratio`: the median over every (member, backup) of the member's score with that
    backup over their own group's score (members on a bye or with a zero score left out; NaN when
    none); `backups_used`: members who met a backup after a no-show (final_pairing source `backup`)."""
    rows = facts.pairing.set_index("member_id")
    ratios = []
    for member, row in rows.iterrows():
        primary = row["score"]
        if row["kind"] in ALONE or not primary > 0:
            continue
        for backup in (row["backup_1"], row["backup_2"]):
            if isinstance(backup, str) and backup in facts.index:
                ratios.append(facts.scores[facts.index[member], facts.index[backup]] / primary)
    used = 0 if facts.final is None else int((facts.final["source"] == "backup").sum())
    return {"backup_score_ratio": float(np.median(ratios)) if ratios else np.nan, "backups_used": float(used)}
