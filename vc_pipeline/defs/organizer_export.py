"""organizer_export: the round's pairs.csv and intros.md for the organizers (files, not a table)."""

import dagster as dg
import pandas as pd

from vc_pipeline.export.organizer import write_round_export
from vc_pipeline.orchestration.partitions import round_of, rounds
from vc_pipeline.orchestration.resources import MemberSettings, RoundOutputs
from vc_pipeline.orchestration.round_asset import DUCKDB_POOL, user_errors_fail_the_step


@dg.asset(partitions_def=rounds, pool=DUCKDB_POOL, group_name="coffee_round", kinds={"csv", "markdown"},
          owners=["team:vc-data"])
def organizer_export(context: dg.AssetExecutionContext, ilp_pairing: pd.DataFrame, normalized_members: pd.DataFrame,
                     raw_survey: pd.DataFrame, round_intros: pd.DataFrame, member_settings: MemberSettings,
                     round_outputs: RoundOutputs) -> dg.MaterializeResult:
    """`<VC_EXPORT_DIR>/<round>/pairs.csv` (one row per group with names, contacts, roles, score
    and backups) and `intros.md` (each group's round_intros row with the names put in). The files hold PII (passthrough mode);
    nothing is stored in DuckDB and the metadata carries only counts and the two paths."""
    round_date = round_of(context)
    with user_errors_fail_the_step():
        export = write_round_export(ilp_pairing, normalized_members, raw_survey, round_intros, member_settings.mode,
                                    member_settings.hash_key, round_outputs.export_folder(round_date), round_date)
    return dg.MaterializeResult(metadata={
        "mode": member_settings.mode, "members": export.members, "pairs": export.pairs, "triads": export.triads,
        "byes": export.byes, "members_with_email": export.members_with_email,
        "pairs_csv": dg.MetadataValue.path(str(export.pairs_csv)),
        "intros_md": dg.MetadataValue.path(str(export.intros_md)),
    })
