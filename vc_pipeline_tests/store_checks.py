"""Helpers for fault and load tests: a store's content as counts and hashes, and child processes."""

import datetime as dt
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]


def store_snapshot(database: Path) -> dict:
    """{(table, round): (rows, content hash)} for every table of schema `vc` (round None for tables
    without a round column), plus {("history", round): sorted earlier pairs} for every round."""
    from vc_pipeline.history.pairs import earlier_pairs

    snapshot = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = connection.execute(
            "SELECT table_name, bool_or(column_name = 'round') FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = 'vc' GROUP BY table_name").fetchall()
        for table, has_round in tables:
            name = f'"{connection.execute("SELECT current_database()").fetchall()[0][0]}"."vc"."{table}"'
            group = "round" if has_round else "NULL"
            for day, rows, digest in connection.execute(
                    f"SELECT {group}, count(*), sum(hash(t)) FROM {name} t GROUP BY ALL").fetchall():
                snapshot[(table, day)] = (rows, int(digest))
        days = sorted({day for (_, day) in snapshot if isinstance(day, dt.date)})
        for day in days:
            snapshot[("history", day)] = sorted(tuple(sorted(p)) for p in earlier_pairs(connection, day))
    return snapshot


def python_child(code: str, log: Path, **env: str) -> subprocess.Popen:
    """Start `python -c code` from the repo with the test package importable; stdout and stderr
    (Dagster's console log) go to `log`."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **env}
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, env=environment,
                                stdout=out, stderr=subprocess.STDOUT)


def wait_for_text(log: Path, text: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    """Wait until `text` appears in `log`; fail if the process ends or `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise AssertionError(f"child exited ({process.returncode}) before {text!r}:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not seen within {timeout} s:\n{log.read_text()[-3000:]}")


def hold_store(database: Path, log: Path, seconds: float = 120.0) -> subprocess.Popen:
    """Another process that opens the store for writing and keeps it for `seconds` (or until killed)."""
    child = python_child(f"""
        import time, duckdb
        connection = duckdb.connect({str(database)!r})
        print("holding", flush=True)
        time.sleep({seconds})
    """, log)
    wait_for_text(log, "holding", child, timeout=30)
    return child


def hold_turn(database: Path, log: Path, seconds: float = 120.0) -> subprocess.Popen:
    """Another process that takes the store's turn (as a run does) and keeps it for `seconds`."""
    child = python_child(f"""
        import time
        from vc_pipeline.store.turn import store_turn
        with store_turn({str(database)!r}, wait_seconds=5):
            print("holding", flush=True)
            time.sleep({seconds})
    """, log)
    wait_for_text(log, "holding", child, timeout=30)
    return child
