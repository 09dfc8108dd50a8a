"""synthetic_members (the privacy boundary) and normalized_members."""

import dagster as dg
import pandas as pd

from vc_pipeline.defs.assets.round_asset import round_asset, stamp_round
from vc_pipeline.defs.checks import schema_check
from vc_pipeline.defs.partitions import round_of
from vc_pipeline.defs.resources import MemberSettings
from vc_pipeline.members.build import build_members
from vc_pipeline.profile.normalize import normalize_members
from vc_pipeline.schemas import NormalizedMembers, SyntheticMembers
from vc_pipeline.settings import DEV_HASH_KEY


@round_asset(SyntheticMembers)
def synthetic_members(context: dg.AssetExecutionContext, raw_survey: pd.DataFrame,
                      member_settings: MemberSettings):
    """Members with pseudonymous ids and no PII: fabricated from the respondents (synthetic) or the
    respondents themselves (passthrough), per VC_MEMBERS_MODE."""
    if member_settings.mode == "passthrough" and member_settings.hash_key == DEV_HASH_KEY:
        context.log.warning("VC_HASH_KEY is the development default: set a secret key for real exports")
    try:
        members = build_members(raw_survey, member_settings.mode, member_settings.hash_key)
    except ValueError as error:
        raise dg.Failure(description=str(error)) from None
    table = stamp_round(members.table, round_of(context))
    return dg.MaterializeResult(
        value=table,
        metadata={"mode": member_settings.mode, "respondents": members.respondents,
                  "duplicate_submissions": members.duplicate_submissions, "members": len(table)},
        check_results=[schema_check(SyntheticMembers, table)],
    )


@round_asset(NormalizedMembers)
def normalized_members(context: dg.AssetExecutionContext, synthetic_members: pd.DataFrame):
    """Member profiles on fixed vocabularies: role taxonomy, career stage 1–6, region and UTC
    offset, cleaned text; what had to be guessed is flagged per member and counted."""
    table, counts = normalize_members(synthetic_members)
    table = stamp_round(table, round_of(context))
    return dg.MaterializeResult(
        value=table,
        metadata={**counts.model_dump(), "similar_role_requests": int(table["wants_similar_role"].sum())},
        check_results=[schema_check(NormalizedMembers, table)],
    )
