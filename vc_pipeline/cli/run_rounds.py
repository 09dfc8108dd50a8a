"""`make run`: materialize every round with a survey export, oldest first, and print the result.

Rounds come from `<VC_SURVEY_DIR>/<YYYY-MM-DD>.csv`. A round that fails stops the run (later rounds
depend on its history); rounds already stored stay as they were.
"""

import datetime as dt
import os
import re
import sys
from pathlib import Path

import duckdb  # noqa: F401  (type of print_round's connection)
import pandas as pd

from vc_pipeline.report.html import report_path
from vc_pipeline.settings import DUCKDB_PATH, SURVEY_DIR, apply_defaults
from vc_pipeline.store.tables import connect, qualified

_ROUND_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.csv$")


def survey_rounds(survey_dir: Path) -> list[str]:
    """The round keys (YYYY-MM-DD) that have an export in `survey_dir`, oldest first."""
    if not survey_dir.is_dir():
        return []
    return sorted(p.stem for p in survey_dir.iterdir() if _ROUND_FILE.match(p.name))


def _execute(job: str, partition_key: str | None = None):
    import dagster as dg

    from vc_pipeline.definitions import defs

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    return defs.resolve_job_def(job).execute_in_process(
        partition_key=partition_key, instance=instance, raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    )


def run_round(round_key: str) -> tuple[bool, str]:
    """Materialize one round's job; returns (succeeded, the failure message if any)."""
    result = _execute("coffee_round", round_key)
    if result.success:
        return True, ""
    messages = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            error = event.step_failure_data.error
            user = event.step_failure_data.user_failure_data
            messages.append(f"{event.step_key}: {user.description if user and user.description else error.message.strip()}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed:
            evaluation = event.event_specific_data
            failures = evaluation.metadata.get("failures")
            messages.append(f"check {evaluation.asset_key.to_user_string()}/{evaluation.check_name} failed\n"
                            f"{failures.value if failures else ''}")
    return False, "\n".join(messages) or "the run failed; see the Dagster UI (make dev) for its logs"


def print_round(connection: duckdb.DuckDBPyConnection, round_date: dt.date) -> None:
    """Print a round's groups (display names, roles, score) and its fairness figures."""
    pairing, members = qualified(connection, "ilp_pairing"), qualified(connection, "normalized_members")
    groups = connection.execute(f"""
        SELECT p.group_id, p.kind, m.display_name, m.role, p.score
        FROM {pairing} p JOIN {members} m USING (round, member_id)
        WHERE p.round = ? ORDER BY p.group_id, m.display_name""", [round_date]).fetchdf()
    print(f"\n=== Round {round_date:%Y-%m-%d}: {len(groups)} members ===")
    for _, group in groups.groupby("group_id", sort=True):
        people = " + ".join(f"{r.display_name} ({r.role})" for r in group.itertuples())
        label = "bye " if group["kind"].iloc[0] == "bye" else f"{group['score'].iloc[0]:.3f}"
        print(f"  {label}  {people}")
    report = connection.execute(
        f"SELECT metric, value FROM {qualified(connection, 'fairness_report')} WHERE round = ? ORDER BY rowid", [round_date]
    ).fetchall()
    print("  fairness: " + ", ".join(f"{m}={'n/a' if pd.isna(v) else round(v, 3)}" for m, v in report))


def main() -> int:
    apply_defaults()
    survey_dir, database = Path(os.environ[SURVEY_DIR]), Path(os.environ[DUCKDB_PATH])
    rounds = survey_rounds(survey_dir)
    if not rounds:
        print(f"No round exports (<YYYY-MM-DD>.csv) in {survey_dir}; nothing to pair.", file=sys.stderr)
        return 1
    database.parent.mkdir(parents=True, exist_ok=True)
    from vc_pipeline.defs.partitions import rounds as round_partitions

    known = set(round_partitions.get_partition_keys())
    for key in rounds:
        if key not in known:
            print(f"{survey_dir / (key + '.csv')}: {key} is not a round start (rounds start "
                  f"{round_partitions.cron_schedule}, from 2025-01-01); rename the file to its round's start date.",
                  file=sys.stderr)
            return 1
        print(f"Pairing round {key} from {survey_dir / (key + '.csv')} into {database} ...", flush=True)
        succeeded, message = run_round(key)
        if not succeeded:
            print(f"Round {key} failed; earlier rounds are unchanged.\n{message}", file=sys.stderr)
            return 1
        with connect(database, read_only=True) as connection:
            print_round(connection, dt.date.fromisoformat(key))
        print(f"  fairness report: {report_path(dt.date.fromisoformat(key))}")
    if not _execute("trends").success:
        print("fairness_trends failed; see the Dagster UI (make dev)", file=sys.stderr)
        return 1
    print(f"\nfairness_trends: every round side by side in {database} (table vc.fairness_trends)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
