"""`make run`: materialize every round with a survey export, oldest first, and print the result.

Rounds come from `<VC_SURVEY_DIR>/<YYYY-MM-DD>.csv`. A round that fails stops the run (later rounds
depend on its history); rounds already stored stay as they were. Every asset check that did not
pass is printed after its round; a failed ERROR check (e.g. fairness_report/repeat_pairs) does not
stop later rounds, but the run exits with ERROR_CHECK_EXIT and names the rounds stored as written.
"""

import datetime as dt
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb  # noqa: F401  (type of print_round's connection)
import pandas as pd

from vc_pipeline.settings import DUCKDB_PATH, REPORT_DIR, SURVEY_DIR
from vc_pipeline.store.tables import connect, qualified

_ROUND_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.csv$")


def survey_rounds(survey_dir: Path) -> list[str]:
    """The round keys (YYYY-MM-DD) that have an export in `survey_dir`, oldest first."""
    if not survey_dir.is_dir():
        return []
    return sorted(p.stem for p in survey_dir.iterdir() if _ROUND_FILE.match(p.name))


# A round failed (1) is not the same news as rounds stored whose ERROR check failed (2).
ERROR_CHECK_EXIT = 2
_LINE_WIDTH = 200


@dataclass(frozen=True)
class CheckEvaluation:
    """One asset check's verdict in a run: `asset/check`, passed or not, WARN or ERROR, and a
    one-line summary of its metadata (`detail`)."""

    asset: str
    check: str
    passed: bool
    severity: str
    detail: str

    @property
    def label(self) -> str:
        return f"{self.asset}/{self.check}"

    def line(self) -> str:
        return f"check {self.label} failed ({self.severity}): {self.detail}"


@dataclass(frozen=True)
class RoundRun:
    """One job run of a round: whether it succeeded, the step failures if not, every check evaluated,
    and each materialized asset's metadata (plain values)."""

    succeeded: bool
    message: str = ""
    checks: tuple[CheckEvaluation, ...] = field(default_factory=tuple)
    metadata: dict[str, dict] = field(default_factory=dict)

    @property
    def failed_checks(self) -> list[CheckEvaluation]:
        return [c for c in self.checks if not c.passed]

    @property
    def failed_errors(self) -> list[CheckEvaluation]:
        return [c for c in self.failed_checks if c.severity == "ERROR"]


def _markdown_line(text: str) -> str:
    """A markdown list or table on one line: items joined by "; ", a table's header and rule dropped."""
    items, table_rows = [], 0
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            table_rows += 1
            if table_rows == 1 or all(set(c) <= set("-: ") for c in cells):
                continue  # the header names the columns; the rule row holds nothing
            items.append(" ".join(cells))
        elif line:
            items.append(line.removeprefix("- "))
    return "; ".join(" ".join(i.split()) for i in items) or "none"


def metadata_line(metadata: Mapping[str, object], width: int = _LINE_WIDTH) -> str:
    """A check's metadata (name -> Dagster MetadataValue or plain value) as one line of at most
    `width` characters: a `detail` text as it is, otherwise `name: value` pairs, markdown lists and
    tables flattened. Only what the metadata holds is shown.

    >>> metadata_line({"low_quality_pairs": "none", "limit": 0.2})
    'low_quality_pairs: none, limit: 0.2'
    """
    parts = []
    for name, entry in metadata.items():
        value = getattr(entry, "value", entry)
        text = _markdown_line(value) if isinstance(value, str) else f"{value:.3g}" if isinstance(value, float) else str(value)
        parts.append(text if name == "detail" else f"{name}: {text}")
    line = ", ".join(parts) or "no detail"
    return line if len(line) <= width else line[: width - 1] + "…"


def _execute(job: str, partition_key: str | None = None, instance=None, resources: dict | None = None,
             ops_config: dict | None = None):
    import dagster as dg

    from vc_pipeline.orchestration.resources import round_definitions

    if instance is None:
        instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    return round_definitions(resources).resolve_job_def(job).execute_in_process(
        partition_key=partition_key, instance=instance, raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}, **({"ops": ops_config} if ops_config else {})},
    )


def _evaluations(result) -> tuple[CheckEvaluation, ...]:
    return tuple(
        CheckEvaluation(asset=e.asset_key.to_user_string(), check=e.check_name, passed=e.passed,
                        severity=e.severity.value, detail=metadata_line(e.metadata))
        for e in result.get_asset_check_evaluations())


def run_round(round_key: str, job: str = "coffee_round", instance=None, resources: dict | None = None,
              ops_config: dict | None = None) -> RoundRun:
    """Run `job` (coffee_round, or rematch after no-shows, or a Slack job) for one round, on
    `instance` (the DAGSTER_HOME instance, or an ephemeral one, when None) with `resources` (the
    environment's settings when None) and `ops_config` (per asset): succeeded, the step failures,
    every check, the materializations' metadata."""
    result = _execute(job, round_key, instance, resources, ops_config)
    checks = _evaluations(result)
    metadata = {e.asset_key.to_user_string(): {k: getattr(v, "value", v) for k, v in e.materialization.metadata.items()}
                for e in result.get_asset_materialization_events()}
    if result.success:
        return RoundRun(True, "", checks, metadata)
    messages = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            error = event.step_failure_data.error
            user = event.step_failure_data.user_failure_data
            messages.append(f"{event.step_key}: {user.description if user and user.description else error.message.strip()}")
    messages += [c.line() for c in checks if not c.passed]
    return RoundRun(False, "\n".join(messages) or "the run failed; see the Dagster UI (make dev) for its logs", checks, metadata)


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
        kind = group["kind"].iloc[0]
        label = {"bye": "bye  ", "unpaired": "out  "}.get(kind) or f"{group['score'].iloc[0]:.3f}"
        print(f"  {label}  {people}")
    report = connection.execute(
        f"SELECT metric, value FROM {qualified(connection, 'fairness_report')} WHERE round = ? ORDER BY rowid", [round_date]
    ).fetchall()
    print("  fairness: " + ", ".join(f"{m}={'n/a' if pd.isna(v) else round(v, 3)}" for m, v in report))
    placed, zoned, total = connection.execute(
        f"SELECT count(*) FILTER (region <> 'Unknown' OR time_zone IS NOT NULL), count(time_zone), count(*) "
        f"FROM {members} WHERE round = ?", [round_date]).fetchone()
    print(f"  places: {placed} of {total} members placed, {zoned} with a time zone "
          "(normalized_members metadata lists the places not recognised)")


def main() -> int:
    from vc_pipeline.orchestration.environment import setting_now

    survey_dir, database = Path(setting_now(SURVEY_DIR)), Path(setting_now(DUCKDB_PATH))
    report_dir = Path(setting_now(REPORT_DIR))
    rounds = survey_rounds(survey_dir)
    if not rounds:
        print(f"No round exports (<YYYY-MM-DD>.csv) in {survey_dir}; nothing to pair.", file=sys.stderr)
        return 1
    database.parent.mkdir(parents=True, exist_ok=True)
    from vc_pipeline.orchestration.partitions import rounds as round_partitions
    from vc_pipeline.report.html import report_path

    known = set(round_partitions.get_partition_keys())
    stored_with_errors: dict[str, list[CheckEvaluation]] = {}
    for key in rounds:
        if key not in known:
            print(f"{survey_dir / (key + '.csv')}: {key} is not a round start (rounds start "
                  f"{round_partitions.cron_schedule}, from 2025-01-01); rename the file to its round's start date.",
                  file=sys.stderr)
            return 1
        print(f"Pairing round {key} from {survey_dir / (key + '.csv')} into {database} ...", flush=True)
        run = run_round(key)
        if not run.succeeded:
            print(f"Round {key} failed; earlier rounds are unchanged.\n{run.message}", file=sys.stderr)
            return 1
        with connect(database, read_only=True) as connection:
            print_round(connection, dt.date.fromisoformat(key))
        print(f"  fairness report: {report_path(report_dir, dt.date.fromisoformat(key))}")
        for check in run.failed_checks:
            print(f"  {check.line()}")
        if run.failed_errors:
            stored_with_errors[key] = run.failed_errors
    if not _execute("trends").success:
        print("fairness_trends failed; see the Dagster UI (make dev)", file=sys.stderr)
        return 1
    print(f"\nfairness_trends: every round side by side in {database} (table vc.fairness_trends)")
    for key, errors in stored_with_errors.items():
        print(f"round {key} is stored as written; an ERROR check failed: "
              + "; ".join(f"{c.label} ({c.detail})" for c in errors), file=sys.stderr)
    return ERROR_CHECK_EXIT if stored_with_errors else 0


if __name__ == "__main__":
    sys.exit(main())
