"""raw_survey: the round's form export as read, with canonical column names."""

import dagster as dg

from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import RoundStore, SurveyFiles
from vc_pipeline.orchestration.round_asset import round_asset
from vc_pipeline.report.eda import survey_overview
from vc_pipeline.report.tables_md import markdown_table
from vc_pipeline.schemas import RawSurvey
from vc_pipeline.survey.carry_over import with_carry_over
from vc_pipeline.survey.reader import require_respondents


@round_asset(RawSurvey)
def raw_survey(context: dg.AssetExecutionContext, survey_files: SurveyFiles, store: RoundStore):
    """The round's survey export (`<VC_SURVEY_DIR>/<round>.csv`), one row per submission, plus
    earlier respondents who asked to stay registered and did not re-submit (`carried_over`,
    numbered after the export's rows). Holds PII."""
    table = survey_files.read(round_of(context))
    with store.connection() as connection:
        table = with_carry_over(connection, round_of(context), table)
    require_respondents(table, survey_files.path(round_of(context)))
    overview = {name: dg.MetadataValue.md(markdown_table(frame)) for name, frame in survey_overview(table).items()}
    return dg.MaterializeResult(
        value=table,
        metadata={"submissions": int((~table["carried_over"]).sum()), "carried_over": int(table["carried_over"].sum()),
                  **overview},
        check_results=[schema_check(RawSurvey, table, row_numbers=table["source_row"])],
    )
