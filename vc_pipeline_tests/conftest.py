"""Shared fixtures: the sample rounds materialized once into a temporary store."""

import datetime as dt
import itertools
import shutil
from pathlib import Path

import dagster as dg
import numpy as np
import pytest

from vc_pipeline.settings import apply_defaults

apply_defaults()

from vc_pipeline.defs.io_manager import RoundTableIOManager  # noqa: E402
from vc_pipeline.defs.resources import MemberSettings, RoundStore, SurveyFiles  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "data" / "surveys"
SAMPLE_ROUNDS = ("2026-10-01", "2026-11-01")
TEST_KEY = "test-hash-key"


def round_resources(database: Path, survey_dir: Path, mode: str = "synthetic", key: str = TEST_KEY) -> dict:
    """The pipeline's resources pointed at a test store and survey folder."""
    return {
        "io_manager": RoundTableIOManager(database=str(database)),
        "store": RoundStore(database=str(database)),
        "survey_files": SurveyFiles(survey_dir=str(survey_dir)),
        "member_settings": MemberSettings(mode=mode, hash_key=key),
    }


def round_assets():
    from vc_pipeline.definitions import defs

    return list(defs.assets)


def materialize_round(round_key: str, database: Path, survey_dir: Path, *, instance=None, mode="synthetic",
                      raise_on_error=True):
    """Materialize all seven assets (and their checks) of one round."""
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
    database = folder / "vc.duckdb"
    instance = dg.DagsterInstance.ephemeral()
    results = [materialize_round(key, database, surveys, instance=instance) for key in SAMPLE_ROUNDS]
    return {"database": database, "surveys": surveys, "instance": instance, "results": results}


def round_date(key: str) -> dt.date:
    return dt.date.fromisoformat(key)


def pairs_of_groups(groups) -> set[frozenset]:
    return {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}
