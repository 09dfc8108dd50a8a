"""Shared fixtures: the sample rounds materialized once into a temporary store."""

import datetime as dt
import itertools
import os
import shutil
from pathlib import Path

import dagster as dg
import numpy as np
import pytest
from hypothesis import settings as hypothesis_settings

from vc_pipeline.orchestration.resources import folder_resources, round_assets

# CI must not depend on which random examples a run happens to draw
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "data" / "surveys"
SAMPLE_FEEDBACK_DIR = REPO / "data" / "feedback"
SAMPLE_ROUNDS = ("2026-10-01", "2026-11-01")
TEST_KEY = "test-hash-key"


def pytest_collection_modifyitems(items):
    """A test of the sample rounds is slow: the session's first one materializes both (about 40 s)."""
    for item in items:
        if "sample_store" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def round_resources(database: Path, survey_dir: Path, mode: str = "synthetic", key: str = TEST_KEY,
                    controls_dir: Path | None = None) -> dict:
    """The pipeline's resources pointed at a test store, survey folder and controls folder (exports
    and reports beside the store)."""
    return folder_resources(database, survey_dir, mode=mode, hash_key=key, controls_dir=controls_dir)


def materialize_round(round_key: str, database: Path, survey_dir: Path, *, instance=None, mode="synthetic",
                      raise_on_error=True):
    """Materialize every round asset (and its checks) of one round."""
    return dg.materialize(
        round_assets(), partition_key=round_key, resources=round_resources(database, survey_dir, mode),
        instance=instance, raise_on_error=raise_on_error,
    )


def best_total_brute_force(scores: np.ndarray, forbidden: set[tuple[int, int]]) -> float | None:
    """The best total over every pairing with at most one bye (odd N) and no forbidden pair."""
    n = len(scores)
    best = None

    def extend(unassigned: tuple[int, ...], byes_left: int, total: float):
        nonlocal best
        if not unassigned:
            best = total if best is None else max(best, total)
            return
        first, rest = unassigned[0], unassigned[1:]
        if byes_left:
            extend(rest, byes_left - 1, total)
        for k, partner in enumerate(rest):
            if (first, partner) not in forbidden:
                extend(rest[:k] + rest[k + 1:], byes_left, total + scores[first, partner])

    extend(tuple(range(n)), n % 2, 0.0)
    return best


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory):
    """Both sample rounds materialized in order into one temporary DuckDB, with their instance."""
    folder = tmp_path_factory.mktemp("sample_store")
    surveys = folder / "surveys"
    shutil.copytree(SAMPLE_DIR, surveys)
    shutil.copytree(SAMPLE_FEEDBACK_DIR, surveys / "feedback")
    database = folder / "rounds.duckdb"
    instance = dg.DagsterInstance.ephemeral()
    results = [materialize_round(key, database, surveys, instance=instance) for key in SAMPLE_ROUNDS]
    return {"database": database, "surveys": surveys, "instance": instance, "results": results}


@pytest.fixture(scope="session")
def report_folder(sample_store) -> Path:
    """Where the sample rounds' HTML fairness reports were written (beside their store)."""
    return sample_store["database"].parent / "reports"


def round_date(key: str) -> dt.date:
    return dt.date.fromisoformat(key)


def pairs_of_groups(groups) -> set[frozenset]:
    return {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}


def stored_round(database: Path, day: dt.date) -> dict:
    """A stored round's members, score rows, pairing and history, read back from the store."""
    import duckdb

    from vc_pipeline.history.pairs import round_history
    from vc_pipeline.pairing.settings import PairingSettings

    settings = PairingSettings()
    with duckdb.connect(str(database), read_only=True) as connection:
        read = (lambda t: connection.execute(f'SELECT * FROM vc.{t} WHERE round = ?', [day]).fetchdf())
        members = read("normalized_members").sort_values("member_id").reset_index(drop=True)
        history = round_history(connection, day, lookback=settings.lookback_rounds, bye_rounds=settings.bye_rotation_rounds)
        return {"members": members, "scores": read("score_matrix"), "pairing": read("ilp_pairing"),
                "history": history, "settings": settings}


def objective_problem(stored: dict) -> tuple[np.ndarray, set[tuple[int, int]], list[tuple[int, ...]]]:
    """What the optimizer maximized for a stored round: lever-adjusted scores, the pairs the hard
    rules forbid, and the stored groups as member indices."""
    from vc_pipeline.pairing.constraints import hard_rules
    from vc_pipeline.pairing.levers import adjusted_scores
    from vc_pipeline.pairing.round_pairing import score_array

    members, settings = stored["members"], stored["settings"]
    ids = list(members["member_id"])
    raw = score_array(ids, stored["scores"])
    adjusted = adjusted_scores(raw, members["career_stage"].to_numpy(), damping=settings.popularity_damping,
                               per_member=settings.popularity_candidates, bonus=settings.cross_stage_bonus)
    rules = hard_rules(members, stored["history"].met_before)
    forbidden = {(int(i), int(j)) for i, j in np.argwhere(np.triu(rules.any, 1))}
    index = {m: i for i, m in enumerate(ids)}
    groups = [tuple(index[m] for m in g) for g in stored["pairing"].groupby("group_id")["member_id"].apply(tuple)]
    return adjusted, forbidden, groups


def group_total(scores: np.ndarray, groups) -> float:
    return float(sum(scores[i, j] for g in groups for i, j in itertools.combinations(g, 2)))
