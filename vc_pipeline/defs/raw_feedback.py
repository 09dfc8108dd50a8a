"""raw_feedback: the round's feedback form export as read (holds PII: emails and comments)."""

import dagster as dg

from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import FeedbackFiles
from vc_pipeline.orchestration.round_asset import round_asset
from vc_pipeline.schemas import RawFeedback


# after raw_survey: a round whose export fails stores nothing, feedback included
@round_asset(RawFeedback, deps=("raw_survey",))
def raw_feedback(context: dg.AssetExecutionContext, feedback_files: FeedbackFiles):
    """The round's feedback export (`<VC_FEEDBACK_DIR>/<round>.csv`), one row per answer, as read:
    none until the file exists (the round runs before anyone has met). Holds PII: emails and
    comments never leave this table."""
    round_date = round_of(context)
    table = feedback_files.read(round_date)
    return dg.MaterializeResult(
        value=table,
        metadata={"answers_in_file": len(table), "file_present": feedback_files.path(round_date).is_file()},
        check_results=[schema_check(RawFeedback, table, row_numbers=table["source_row"])],
    )
