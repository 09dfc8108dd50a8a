"""What a round's asset checks last said, read from the Dagster instance's runs of that round."""

import dagster as dg

ROUND_TAG = "dagster/partition"


def failed_error_checks(instance: dg.DagsterInstance, round_key: str, limit: int = 50) -> list[str] | None:
    """The `asset/check` names whose latest evaluation for the round (over its runs, newest first)
    failed with ERROR severity; None when no run of the round evaluated any check."""
    latest: dict[str, dg.AssetCheckEvaluation] = {}
    for run in instance.get_runs(filters=dg.RunsFilter(tags={ROUND_TAG: round_key}), limit=limit):
        for entry in reversed(instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)):
            evaluation = entry.dagster_event.event_specific_data
            name = f"{evaluation.asset_key.to_user_string()}/{evaluation.check_name}"
            latest.setdefault(name, evaluation)  # newest first: runs, then events within a run
    if not latest:
        return None
    return sorted(name for name, e in latest.items() if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR)
