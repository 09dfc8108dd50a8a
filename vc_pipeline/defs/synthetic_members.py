"""synthetic_members: the privacy boundary, respondents in, members with no PII out."""

from contextlib import ExitStack

import dagster as dg
import pandas as pd

from vc_pipeline.members.build import LlmParaphraser, NoiseRates, build_members
from vc_pipeline.members.drift import DRIFT_LIMIT, distribution_drift
from vc_pipeline.members.pseudonym import normalize_email
from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import MemberSettings, OrganizerControls, RoundStore
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.schemas import SyntheticMembers
from vc_pipeline.settings import DEV_HASH_KEY
from vc_pipeline.store.response_cache import StoreResponseCache
from vc_pipeline.survey.latest import latest_submissions

_NOISE = NoiseRates()
DRIFT_CHECK = ("distribution_drift", f"WARN when the synthetic round's role, career-stage or region mix is "
                                     f"further than {DRIFT_LIMIT} (total variation distance) from the real round's.")


class MembersConfig(dg.Config):
    """Noise put on synthetic members (chance per member); see vc_pipeline.members.build.NoiseRates."""

    location_noise: float = _NOISE.location
    career_stage_noise: float = _NOISE.career_stage
    role_title_noise: float = _NOISE.role_title


def _llm(member_settings: MemberSettings, store: RoundStore, stack: ExitStack) -> LlmParaphraser | None:
    settings = member_settings.llm_settings()
    if settings is None or member_settings.mode != "synthetic":
        return None
    return LlmParaphraser(settings, StoreResponseCache(stack.enter_context(store.connection())))


@round_asset(SyntheticMembers, extra_checks=(DRIFT_CHECK,))
def synthetic_members(context: dg.AssetExecutionContext, config: MembersConfig, raw_survey: pd.DataFrame,
                      member_settings: MemberSettings, store: RoundStore, organizer_controls: OrganizerControls):
    """Members with pseudonymous ids and no PII: fabricated from the respondents (synthetic;
    free text paraphrased by OpenAI when OPENAI_API_KEY is set, offline otherwise) or the
    respondents themselves (passthrough), per VC_MEMBERS_MODE."""
    if member_settings.mode == "passthrough" and member_settings.hash_key == DEV_HASH_KEY:
        context.log.warning("VC_HASH_KEY is the development default: set a secret key for real exports")
    noise = NoiseRates(location=config.location_noise, career_stage=config.career_stage_noise,
                       role_title=config.role_title_noise)
    opted_out = set(organizer_controls.for_round(round_of(context)).opt_outs)
    raw_survey = raw_survey[~raw_survey["email"].map(normalize_email).isin(opted_out)]
    with ExitStack() as stack:
        members = build_members(raw_survey, member_settings.mode, member_settings.hash_key, noise,
                                _llm(member_settings, store, stack))
    table = stamp_round(members.table, round_of(context))
    drift = distribution_drift(latest_submissions(raw_survey), table)
    drift_check = dg.AssetCheckResult(check_name=DRIFT_CHECK[0], passed=max(drift.values()) <= DRIFT_LIMIT,
                                      severity=dg.AssetCheckSeverity.WARN, metadata={**drift, "limit": DRIFT_LIMIT})
    return dg.MaterializeResult(
        value=table,
        metadata={"mode": member_settings.mode, "respondents": members.respondents, "opt_outs": len(opted_out),
                  "duplicate_submissions": members.duplicate_submissions, "members": len(table),
                  "paraphraser": "openai:" + member_settings.openai_model if members.llm else "offline",
                  **drift, **(members.llm.as_metadata() if members.llm else {})},
        check_results=[schema_check(SyntheticMembers, table), drift_check],
    )
