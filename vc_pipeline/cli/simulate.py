"""`make simulate`: a year of coffee rounds through the real pipeline, one line per round.

A fabricated community (vc_pipeline.simulate.community) signs up round after round. Each round's
export goes through the real `coffee_round` job; then some members do not show, are recorded in the
round's controls file and the `rematch` job re-pairs their buddies, so the next round's history
holds who really met. Everything runs in a folder of its own (a temporary one unless --workdir),
with passthrough members and an ephemeral Dagster instance; the organizers' store, surveys and
run history are never touched. The table goes to <out>/simulation.json, the chart to
<out>/simulation.png. Exit 2 when a round's ERROR check failed (the rounds still all run).
"""

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import yaml

from vc_pipeline.cli.run_rounds import ERROR_CHECK_EXIT, CheckEvaluation, RoundRun, run_round
from vc_pipeline.errors import SettingsError, UserError
from vc_pipeline.simulate.community import Community, community_rounds, pick_no_shows, simulation_rounds
from vc_pipeline.simulate.figures import round_figures, table_header, table_line, trend_chart
from vc_pipeline.store.tables import connect

SIMULATION_KEY = "vc-simulation-key"  # fabricated people only; any fixed key keeps member ids stable


STORE = "rounds.duckdb"


def simulation_resources(workdir: Path) -> dict:
    """The pipeline's resources pointed into `workdir` (passthrough members, no OpenAI), its
    surveys/ and controls/ folders created."""
    from vc_pipeline.orchestration.resources import folder_resources

    for folder in ("surveys", "controls"):
        (workdir / folder).mkdir(parents=True, exist_ok=True)
    return folder_resources(workdir / STORE, workdir / "surveys", mode="passthrough", hash_key=SIMULATION_KEY,
                            controls_dir=workdir / "controls", export_dir=workdir / "exports",
                            report_dir=workdir / "reports")


def _round_checks(planned: RoundRun, final: RoundRun) -> list[CheckEvaluation]:
    """The round's checks that did not pass as they stand after the rematch (it re-evaluates
    final_pairing's and fairness_report's)."""
    latest = {c.label: c for c in planned.checks} | {c.label: c for c in final.checks}
    return [c for c in latest.values() if not c.passed]


def simulate_round(sim_round, community: Community, workdir: Path, instance,
                   resources: dict) -> tuple[dict, list[CheckEvaluation]] | str:
    """Pair one simulated round, record its no-shows and re-pair their buddies; returns the round's
    record and failed checks, or the failure message of a run that failed."""
    key, started = f"{sim_round.round_date:%Y-%m-%d}", time.perf_counter()
    sim_round.export.to_csv(workdir / "surveys" / f"{key}.csv", index=False)
    planned = run_round(key, "coffee_round", instance, resources)
    if not planned.succeeded:
        return planned.message
    no_shows = pick_no_shows(sim_round.emails, community.no_show_share, seed=f"{community.seed}:{key}")
    (workdir / "controls" / f"{key}.yaml").write_text(yaml.safe_dump({"no_shows": no_shows}), encoding="utf-8")
    final = run_round(key, "rematch", instance, resources)
    if not final.succeeded:
        return final.message
    with connect(workdir / STORE, read_only=True) as connection:
        figures = round_figures(connection, sim_round.round_date)
    failed = _round_checks(planned, final)
    record = {"round": key, "returning": sim_round.returning, "joined": sim_round.joined,
              "came_back": sim_round.came_back, **figures,
              "failed_checks": [c.line() for c in failed], "seconds": round(time.perf_counter() - started, 1)}
    return record, failed


def simulate(community: Community, rounds: int, workdir: Path, out: Path) -> int:
    """Run the simulation in `workdir`, print it, write <out>/simulation.json and .png; the exit status."""
    import dagster as dg

    from vc_pipeline.orchestration.partitions import rounds as round_partitions

    keys = simulation_rounds(round_partitions.get_partition_keys(), rounds)
    dates = [dt.date.fromisoformat(k) for k in keys]
    instance = dg.DagsterInstance.ephemeral()  # shared by the rounds: the rematch reads its round's scoring
    resources = simulation_resources(workdir)
    print(f"Simulating {rounds} rounds ({keys[0]} to {keys[-1]}) of {community} in {workdir}", flush=True)
    print(table_header(), flush=True)
    records, with_errors, started = [], {}, time.perf_counter()
    for sim_round in community_rounds(dates, community):
        outcome = simulate_round(sim_round, community, workdir, instance, resources)
        if isinstance(outcome, str):
            print(f"Round {sim_round.round_date} failed; the simulation stops here.\n{outcome}", file=sys.stderr)
            return 1
        record, failed = outcome
        records.append(record)
        print(table_line(record), flush=True)
        for check in failed:
            print(f"    {check.line()}", flush=True)
        if any(c.severity == "ERROR" for c in failed):
            with_errors[record["round"]] = [c for c in failed if c.severity == "ERROR"]
    out.mkdir(parents=True, exist_ok=True)
    (out / "simulation.json").write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    (out / "simulation.png").write_bytes(trend_chart(records, f"{rounds} simulated rounds, {community.members} members a round"))
    print(f"\n{len(records)} rounds in {time.perf_counter() - started:.0f} s; table {out / 'simulation.json'}, "
          f"chart {out / 'simulation.png'}")
    for key, errors in with_errors.items():
        print(f"round {key} is stored as written; an ERROR check failed: "
              + "; ".join(f"{c.label} ({c.detail})" for c in errors), file=sys.stderr)
    return ERROR_CHECK_EXIT if with_errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = Community()
    parser.add_argument("--members", type=int, default=defaults.members, help="people in each round (the community signing up)")
    parser.add_argument("--rounds", type=int, default=12, help="monthly rounds, the latest ones that have ended")
    parser.add_argument("--return-share", type=float, default=defaults.return_share,
                        help="share of a round's people who sign up for the next")
    parser.add_argument("--join-share", type=float, default=defaults.join_share,
                        help="share of each later round made of new joiners")
    parser.add_argument("--no-show-share", type=float, default=defaults.no_show_share,
                        help="share of a round's members who do not show up")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--out", type=Path, default=Path("data/simulation"), help="folder for simulation.json and .png")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the store, surveys, controls and reports here (default: a temporary folder)")
    args = parser.parse_args(argv)
    try:
        community = Community(members=args.members, return_share=args.return_share, join_share=args.join_share,
                              no_show_share=args.no_show_share, seed=args.seed)
    except SettingsError as error:
        parser.error(str(error))
    with tempfile.TemporaryDirectory(prefix="vc-simulation-") as temporary:
        workdir = (args.workdir or Path(temporary)).resolve()
        try:
            return simulate(community, args.rounds, workdir, args.out)
        except UserError as error:  # e.g. more rounds than have ended
            print(f"simulate: {error}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
