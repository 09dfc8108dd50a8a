"""ilp_pairing: the round's one global, proven-optimal pairing under the rules in their order."""

from typing import Optional

import dagster as dg
import pandas as pd
from pydantic import ValidationError

from vc_pipeline.controls.round_controls import id_pairs
from vc_pipeline.errors import SettingsError
from vc_pipeline.history.pairs import round_history, unpaired_earlier_rounds
from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.metadata import md_list
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import MemberSettings, OrganizerControls, RoundStore
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.pairing.round_pairing import FEW_FRESH_PARTNERS, PAIRING_COLUMNS, add_fits, group_pairs, solve_round
from vc_pipeline.pairing.settings import PairingSettings
from vc_pipeline.schemas import IlpPairing
from vc_pipeline.scoring.learning import weights_of
from vc_pipeline.scoring.pair_scores import RoundScorer, components_of_pairs
from vc_pipeline.survey.reader import one_line

_PAIRING = PairingSettings()


class PairingConfig(dg.Config):
    """Pairing settings for this run; meanings and defaults: vc_pipeline.pairing.settings.PairingSettings."""

    odd: str = _PAIRING.odd
    lookback_rounds: Optional[int] = _PAIRING.lookback_rounds  # noqa: UP045 (Dagster config needs Optional)
    on_infeasible: str = _PAIRING.on_infeasible
    bye_rotation_rounds: int = _PAIRING.bye_rotation_rounds
    popularity_damping: float = _PAIRING.popularity_damping
    popularity_candidates: int = _PAIRING.popularity_candidates
    cross_stage_bonus: float = _PAIRING.cross_stage_bonus
    min_pair_quality: Optional[float] = _PAIRING.min_pair_quality  # noqa: UP045
    worse_off_priority: bool = _PAIRING.worse_off_priority
    backups_per_member: int = _PAIRING.backups_per_member
    backup_cap: int = _PAIRING.backup_cap
    time_limit_seconds: float = _PAIRING.time_limit_seconds


HARD_RULES_CHECK = ("hard_constraints", "WARN when the round had to break a rule (repeat pair, similar-role "
                    "request) or use a pair below the minimum quality, or the organizers' blocks left someone unpaired.")

FRESH_CHECK = ("fresh_partners", f"WARN naming similar-role requesters with fewer than {FEW_FRESH_PARTNERS} partners "
               "of their role they have not met yet: the no-repeat and similar-role rules will soon collide.")

HISTORY_CHECK = ("earlier_rounds_paired", "WARN when an earlier round has members stored but no pairing "
                 "(still running, failed or never finished): its pairs could repeat in this round.")


RELIABILITY_CHECK = ("reliability", "WARN naming (by display name) members who did not show in two of their last "
                     "three rounds; they are not given a first-time member as buddy while anyone else can be.")


@round_asset(IlpPairing, extra_checks=(HARD_RULES_CHECK, HISTORY_CHECK, FRESH_CHECK, RELIABILITY_CHECK),
             deps=("score_matrix",))
def ilp_pairing(context: dg.AssetExecutionContext, config: PairingConfig, normalized_members: pd.DataFrame,
                embeddings: pd.DataFrame, score_weights: pd.DataFrame, store: RoundStore,
                organizer_controls: OrganizerControls, member_settings: MemberSettings):
    """One global, proven-optimal pairing for the round (PuLP + HiGHS) under the rules in their
    order: organizer blocks, everyone paired, no repeat (never last round's pair), a similar-role
    buddy (exact, then family), minimum quality, nobody worse off twice, the bye rotation; then
    the score, with fairness levers, ranked backups and each pair's score components.
    Scores every pair with score_matrix's scorer (its stored rows may be only the best partners)."""
    round_date = round_of(context)
    try:
        settings = PairingSettings(**config.model_dump())
    except ValidationError as error:  # the launchpad's values, checked against the plain settings
        raise SettingsError(f"ilp_pairing: {one_line(str(error))}") from None
    controls = organizer_controls.for_round(round_date)
    key, mode = member_settings.hash_key, member_settings.mode
    members = normalized_members.sort_values("member_id").reset_index(drop=True)
    with store.connection() as connection:
        history = round_history(connection, round_date, lookback=settings.lookback_rounds,
                                bye_rounds=settings.bye_rotation_rounds)
        unpaired = unpaired_earlier_rounds(connection, round_date)
    scorer = RoundScorer.of(members, embeddings, weights_of(score_weights))
    result = solve_round(members, scorer.matrix(), history, settings, blocked=id_pairs(controls.blocks, key, mode),
                         pinned=id_pairs(controls.pins, key, mode))
    components = components_of_pairs(scorer, group_pairs(result.table))
    table = stamp_round(add_fits(result.table, components)[PAIRING_COLUMNS], round_date)
    broken = result.violations + result.low_quality + result.unpaired
    rules_check = dg.AssetCheckResult(
        check_name=HARD_RULES_CHECK[0], passed=not broken, severity=dg.AssetCheckSeverity.WARN,
        metadata={"violations": md_list(result.violations), "low_quality_pairs": md_list(result.low_quality),
                  "unpaired": md_list(result.unpaired),
                  "summary": f"{len(result.violations)} rule(s) broken, {len(result.low_quality)} weak pair(s), "
                             f"{len(result.unpaired)} unpaired"})
    fresh_check = dg.AssetCheckResult(
        check_name=FRESH_CHECK[0], passed=not result.thin_fresh_partners, severity=dg.AssetCheckSeverity.WARN,
        metadata={"thin_same_role": md_list(result.thin_fresh_partners),
                  "summary": f"{len(result.thin_fresh_partners)} requester(s) with fewer than {FEW_FRESH_PARTNERS} "
                             "fresh partners of their role"})
    history_check = dg.AssetCheckResult(
        check_name=HISTORY_CHECK[0], passed=not unpaired, severity=dg.AssetCheckSeverity.WARN,
        metadata={"unpaired_earlier_rounds": md_list([f"{day:%Y-%m-%d}" for day in unpaired])})
    unreliable = members[members["member_id"].isin(history.unreliable)]
    reliability_check = dg.AssetCheckResult(
        check_name=RELIABILITY_CHECK[0], passed=unreliable.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"no_show_twice_in_three": md_list(sorted(unreliable["display_name"])),
                  "summary": f"{len(unreliable)} member(s) did not show in two of their last three rounds"})
    return dg.MaterializeResult(
        value=table,
        metadata={"members": len(table), **result.summary},
        check_results=[schema_check(IlpPairing, table), rules_check, history_check, fresh_check, reliability_check],
    )
