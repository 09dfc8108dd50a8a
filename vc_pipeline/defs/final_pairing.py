"""final_pairing: who really met, after the organizers record no-shows (the `rematch` job)."""

import dagster as dg
import pandas as pd

from vc_pipeline.controls.round_controls import id_pairs, member_ids_of
from vc_pipeline.feedback.answers import feedback_no_shows
from vc_pipeline.history.pairs import pair_ages
from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import MemberSettings, OrganizerControls, RoundStore
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.pairing.constraints import hard_rules
from vc_pipeline.pairing.rematch import rematch, stranded_members
from vc_pipeline.pairing.rule_order import RoundHistory, rule_levels
from vc_pipeline.schemas import FinalPairing
from vc_pipeline.scoring.learning import weights_of
from vc_pipeline.scoring.pair_scores import RoundScorer


@round_asset(FinalPairing, deps=("score_matrix",))
def final_pairing(context: dg.AssetExecutionContext, ilp_pairing: pd.DataFrame, normalized_members: pd.DataFrame,
                  embeddings: pd.DataFrame, score_weights: pd.DataFrame, round_feedback: pd.DataFrame, store: RoundStore,
                  organizer_controls: OrganizerControls, member_settings: MemberSettings):
    """The round as it really happened: no-shows are out (from round_feedback: who couldn't make
    it, and whose buddy reported they didn't show unless they said they met; plus `no_shows` in
    the round's controls file), and the buddies they stranded meet a stranded backup first, then
    each other in an optimal pairing under the rules in their order (blocks absolute). Later
    rounds' history reads this table."""
    round_date = round_of(context)
    controls = organizer_controls.for_round(round_date)
    key, mode = member_settings.hash_key, member_settings.mode
    from_controls = {m for e in controls.no_shows for m in member_ids_of(e, key, mode)} & set(ilp_pairing["member_id"])
    from_feedback = feedback_no_shows(round_feedback, ilp_pairing)
    no_shows = from_controls | from_feedback
    stranded = stranded_members(ilp_pairing, no_shows)
    members = normalized_members.set_index("member_id").loc[stranded].reset_index()
    with store.connection() as connection:
        rules = hard_rules(members, pair_ages(connection, round_date), id_pairs(controls.blocks, key, mode))
    scores = RoundScorer.of(members, embeddings, weights_of(score_weights)).matrix()
    # blocks stay absolute; a repeat or another role is better than meeting nobody, in the rules' order
    levels = rule_levels(members, rules, RoundHistory(), None, strict=False, priority=False)
    table = stamp_round(rematch(ilp_pairing, no_shows, scores, stranded, rules.blocked, levels), round_date)
    sources = table["source"].value_counts()
    return dg.MaterializeResult(
        value=table,
        metadata={"no_shows": len(no_shows), "no_shows_from_feedback": len(from_feedback),
                  "no_shows_from_controls": len(from_controls), "stranded": len(stranded),
                  **{f"met_via_{s}": int(sources.get(s, 0)) for s in ("planned", "backup", "rematch", "unpaired")}},
        check_results=[schema_check(FinalPairing, table)],
    )
