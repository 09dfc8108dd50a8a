"""round_intros: one name-free intro per group, written by OpenAI when configured, offline otherwise."""

from contextlib import ExitStack

import dagster as dg
import pandas as pd

from vc_pipeline.intros.round_intros import write_round_intros
from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import MemberSettings, RoundStore
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.schemas import RoundIntros
from vc_pipeline.store.response_cache import StoreResponseCache


@round_asset(RoundIntros)
def round_intros(context: dg.AssetExecutionContext, ilp_pairing: pd.DataFrame, normalized_members: pd.DataFrame,
                 member_settings: MemberSettings, store: RoundStore):
    """Why each group was paired, 2–3 conversation starters and what to do next, with members as
    placeholders ({member_1}, ...; names are put in by organizer_export and the Slack jobs). With
    OPENAI_API_KEY set, pairs and triads are written by OpenAI from what already crossed the privacy
    boundary (answers cached in `vc.intro_cache`, so a re-run makes no call); offline otherwise,
    and for every group the model did not answer usably."""
    round_date = round_of(context)
    settings = member_settings.llm_settings()
    with ExitStack() as stack:
        llm = (settings, StoreResponseCache(stack.enter_context(store.connection()), "intro_cache")) if settings else None
        table, report = write_round_intros(ilp_pairing, normalized_members, round_date, llm)
    table = stamp_round(table, round_date)
    writers = table["writer"].value_counts()
    return dg.MaterializeResult(
        value=table,
        metadata={"groups": len(table), "writer": "openai:" + member_settings.openai_model if settings else "offline",
                  "written_by_openai": int(writers.get("openai", 0)), "written_offline": int(writers.get("offline", 0)),
                  **(report.as_metadata("llm_written") if report else {})},
        check_results=[schema_check(RoundIntros, table)],
    )
