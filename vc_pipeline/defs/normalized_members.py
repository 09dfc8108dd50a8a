"""normalized_members: member profiles on fixed vocabularies (roles, stages, places)."""

import dagster as dg
import pandas as pd

from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.profile.normalize import normalize_members
from vc_pipeline.report.eda import members_overview
from vc_pipeline.report.tables_md import markdown_table
from vc_pipeline.schemas import NormalizedMembers


@round_asset(NormalizedMembers)
def normalized_members(context: dg.AssetExecutionContext, synthetic_members: pd.DataFrame):
    """Member profiles on fixed vocabularies: role taxonomy, career stage 1–6, region, IANA time
    zone and the UTC offset on the round's start date, cleaned text; what had to be guessed is
    flagged per member and counted, with the places the lookup did not recognise."""
    table, counts = normalize_members(synthetic_members, round_of(context))
    table = stamp_round(table, round_of(context))
    return dg.MaterializeResult(
        value=table,
        metadata={**counts.model_dump(exclude={"places_unrecognised"}),
                  "places_unrecognised": dg.MetadataValue.json(counts.places_unrecognised),
                  "similar_role_requests": int(table["wants_similar_role"].sum()),
                  **{name: dg.MetadataValue.md(markdown_table(frame)) for name, frame in members_overview(table).items()}},
        check_results=[schema_check(NormalizedMembers, table)],
    )
