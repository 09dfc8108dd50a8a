"""round_feedback: who met and how it went, by member id (no email, no comment)."""

import dagster as dg
import pandas as pd

from vc_pipeline.feedback.answers import round_feedback as answers_by_member
from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import MemberSettings
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.schemas import RoundFeedback


@round_asset(RoundFeedback)
def round_feedback(context: dg.AssetExecutionContext, raw_feedback: pd.DataFrame, ilp_pairing: pd.DataFrame,
                   member_settings: MemberSettings):
    """One row per answering member of the round: met, buddy_no_show, could_not_make_it or not_yet,
    and the 1–5 rating. The latest answer per email wins; answers from people not in the round,
    without an email or with an answer the form doesn't have are dropped, and invalid ratings
    blanked: each counted in the metadata, never shown."""
    table, counts = answers_by_member(raw_feedback, ilp_pairing, member_settings.hash_key, member_settings.mode)
    table = stamp_round(table, round_of(context))
    answers = table["answer"].value_counts()
    return dg.MaterializeResult(
        value=table,
        metadata={**counts.as_metadata(), **{f"answered_{label}": int(answers.get(label, 0))
                                             for label in ("met", "buddy_no_show", "could_not_make_it", "not_yet")}},
        check_results=[schema_check(RoundFeedback, table)],
    )
