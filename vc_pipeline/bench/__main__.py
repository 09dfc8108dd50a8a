"""`make bench`: the definitions load, normalized_members on a large round, the solver against
LEMON's C++ exact matching, networkx's exact blossom and the greedy baseline, and whole rounds through every round asset.
Prints a table and writes the figures to bench-results.json."""

import argparse
import json
import subprocess
import sys
from pathlib import Path


def run(kind: str, n: int | None = None, timeout: float = 1800) -> dict:
    """One measurement in a fresh process (its own peak memory)."""
    command = [sys.executable, "-m", "vc_pipeline.bench.measure", kind] + ([str(n)] if n else [])
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        return {"n": n, "error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def solver_table(sizes: list[int], networkx_up_to: int, lemon_up_to: int) -> list[dict]:
    rows = []
    for n in sizes:
        row = run("solver", n)
        if n <= lemon_up_to and n % 2 == 0:
            lemon = run("lemon", n)
            row["lemon_seconds"], row["lemon_total"] = lemon.get("seconds"), lemon.get("total")
            row["lemon_error"] = lemon.get("error")
        if n <= networkx_up_to:
            exact = run("networkx", n)
            row["networkx_seconds"], row["networkx_total"] = exact.get("seconds"), exact.get("total")
            row["speedup"] = row["networkx_seconds"] / row["seconds"] if "seconds" in row else None
            row["relative_difference"] = abs(row["total"] - row["networkx_total"]) / abs(row["networkx_total"])
        rows.append(row)
        print(_solver_line(row), flush=True)
    return rows


def _solver_line(row: dict) -> str:
    if "error" in row:
        return f"{row['n']:>6}  error: {row['error']}"
    nx_part = (f"{row['networkx_seconds']:>9.2f} {row['speedup']:>8.0f}x {row['relative_difference']:>9.1e}"
               if "networkx_seconds" in row else f"{'-':>9} {'-':>9} {'-':>9}")
    lemon_part = (f"{row['lemon_seconds']:>9.2f} {abs(row['total'] - row['lemon_total']):>9.1e}"
                  if row.get("lemon_seconds") is not None else f"{row.get('lemon_error') or '-':>9} {'-':>9}")
    return (f"{row['n']:>6} {row['seconds']:>9.2f} {lemon_part} {nx_part} {row['total']:>11.4f} {row['greedy_total']:>11.4f} "
            f"{row['total'] / row['greedy_total']:>7.4f} {str(row['proven_optimal']):>6} {row['peak_mb']:>8.0f}")


def round_table(sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        row = run("round", n, timeout=3600)
        rows.append(row)
        if "error" in row:
            print(f"{n:>6}  error: {row['error']}", flush=True)
            continue
        print(f"{n:>6} {row['seconds']:>8.1f}s {row['peak_mb']:>8.0f} MB  ok={row['success']}  "
              f"proven_optimal={row['proven_optimal']}", flush=True)
        for step, seconds in sorted(row["steps"].items(), key=lambda item: -item[1]):
            print(f"{'':>8}{step:<20} {seconds:>8.1f} s {row['step_peak_mb'][step]:>8.0f} MB", flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 400, 800, 2000, 5000])
    parser.add_argument("--networkx-up-to", type=int, default=800)
    parser.add_argument("--lemon-up-to", type=int, default=5000, help="largest N solved by LEMON too (even N only)")
    parser.add_argument("--rounds", nargs="+", type=int, default=[100, 5000],
                        help="generated rounds run through every round asset (e.g. --rounds 20000)")
    parser.add_argument("--ties", type=int, default=2000, help="members of the tied round (100 profiles repeated); 0 skips it")
    parser.add_argument("--places", type=int, default=5000, help="members in the normalized_members measurement")
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"))
    args = parser.parse_args(argv)
    definitions = run("definitions")
    print(f"definitions load: {definitions['seconds']:.2f} s, heavy imports: {definitions['heavy_imports'] or 'none'}")
    places = run("places", args.places)
    print(f"normalized_members, {places['n']} members, {places['distinct_places']} distinct places: "
          f"{places['seconds']:.2f} s (gazetteer built in {places['gazetteer_seconds']:.2f} s), "
          f"{places['placed_share']:.1%} placed, peak {places['peak_mb']:.0f} MB" if "error" not in places
          else f"normalized_members: error: {places['error']}")
    print(f"\n{'N':>6} {'ours s':>9} {'lemon s':>9} {'|Δ lemon|':>9} {'nx s':>9} {'speedup':>9} {'rel diff':>9} "
          f"{'our total':>11} {'greedy':>11} {'ratio':>7} {'proven':>6} {'peak MB':>8}")
    solver = solver_table(args.sizes, args.networkx_up_to, args.lemon_up_to)
    ties = run("ties", args.ties) if args.ties else {}
    if ties:
        print(f"\nties: {args.ties} members from 100 profiles: " + (
            f"{ties['seconds']:.2f} s, proven_optimal={ties['proven_optimal']}, total {ties['total']:.4f}"
            if "error" not in ties else f"error: {ties['error']}"))
    print(f"\n{'N':>6} {'wall':>9} {'peak':>11}  then per asset: time and peak memory (whole round, every asset)")
    rounds = round_table(args.rounds)
    figures = {"definitions": definitions, "places": places, "solver": solver, "ties": ties, "rounds": rounds}
    args.out.write_text(json.dumps(figures, indent=2))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
