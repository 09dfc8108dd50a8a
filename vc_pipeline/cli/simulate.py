"""`make simulate`: a year of coffee rounds through the real pipeline, one line per round.

A fabricated community (vc_pipeline.simulate.community) signs up round after round. Each round's
export goes through the real `coffee_round` job; then members answer the feedback form from a
hidden utility of the pair they met (vc_pipeline.simulate.feedback; some did not show), and the
`rematch` job reads it: no-shows out, their buddies re-paired, so the next round's history holds who
really met, and the next round's score_weights may learn from the ratings. The year runs with
learning off and on (--learning), each in a folder of its own (a temporary one unless --workdir),
with passthrough members and an ephemeral Dagster instance; the organizers' store, surveys and run
history are never touched. Printed: each round's line, then both years side by side (the mean
hidden utility of the pairs, the weights used) and the learned weights against the hidden ones.
The tables go to <out>/simulation.json, the chart to <out>/simulation.png. Exit 2 when a round's
ERROR check failed (the rounds still all run).
"""

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from vc_pipeline.cli.run_rounds import ERROR_CHECK_EXIT, CheckEvaluation, RoundRun, run_round
from vc_pipeline.errors import SettingsError, UserError
from vc_pipeline.members.pseudonym import member_id
from vc_pipeline.scoring.pair_scores import COMPONENTS
from vc_pipeline.scoring.weights import ScoreWeights
from vc_pipeline.simulate.community import Community, community_rounds, pick_no_shows, simulation_rounds
from vc_pipeline.simulate.feedback import MEMBERS_VALUE, hidden_utility, simulated_feedback
from vc_pipeline.simulate.figures import learning_lines, round_figures, table_header, table_line, trend_chart
from vc_pipeline.store.tables import connect

SIMULATION_KEY = "vc-simulation-key"  # fabricated people only; any fixed key keeps member ids stable


STORE = "rounds.duckdb"


def simulation_resources(workdir: Path) -> dict:
    """The pipeline's resources pointed into `workdir` (passthrough members, no OpenAI), its
    surveys/ and controls/ folders created."""
    from vc_pipeline.orchestration.resources import folder_resources

    for folder in ("surveys", "controls", "feedback", "no_shows"):
        (workdir / folder).mkdir(parents=True, exist_ok=True)
    return folder_resources(workdir / STORE, workdir / "surveys", mode="passthrough", hash_key=SIMULATION_KEY,
                            controls_dir=workdir / "controls", export_dir=workdir / "exports",
                            report_dir=workdir / "reports", feedback_dir=workdir / "feedback")


def _round_checks(planned: RoundRun, final: RoundRun) -> list[CheckEvaluation]:
    """The round's checks that did not pass as they stand after the rematch (it re-evaluates
    final_pairing's and fairness_report's)."""
    latest = {c.label: c for c in planned.checks} | {c.label: c for c in final.checks}
    return [c for c in latest.values() if not c.passed]


def _write_feedback(sim_round, community: Community, workdir: Path, key: str) -> float:
    """The round's feedback export, answered from the hidden utility of the pairs the round planned
    (and who did not show, also kept in no_shows/<round>.json); returns the pairs' mean hidden utility."""
    day = sim_round.round_date
    with connect(workdir / STORE, read_only=True) as connection:
        pairing = connection.execute("SELECT * FROM vc.ilp_pairing WHERE round = ?", [day]).fetchdf()
        every_pair = connection.execute(f"SELECT {', '.join(COMPONENTS)} FROM vc.score_matrix WHERE round = ?",
                                        [day]).fetchdf()
    possible = hidden_utility(every_pair, community.hidden)
    no_shows = pick_no_shows(sim_round.emails, community.no_show_share, seed=f"{community.seed}:{key}")
    (workdir / "no_shows" / f"{key}.json").write_text(json.dumps(no_shows), encoding="utf-8")
    emails = {member_id(e, SIMULATION_KEY): e for e in sim_round.emails}
    feedback = simulated_feedback(pairing, emails, set(no_shows), (float(np.quantile(possible, 0.05)),
                                                                   float(np.quantile(possible, 0.95))),
                                  community.hidden, community.response_rate, community.rating_noise,
                                  seed=f"{community.seed}:{key}:feedback")
    feedback.to_csv(workdir / "feedback" / f"{key}.csv", index=False)
    groups = pairing[pairing["kind"].isin(["pair", "triad"])].groupby("group_id")
    return float(np.mean([hidden_utility(g, community.hidden, "fit_").mean() for _, g in groups]))


def _weights(workdir: Path, day: dt.date) -> tuple[str, dict[str, float], dict[str, float]]:
    """The round's weights: which were used, the used ones and the fitted ones (empty when none)."""
    with connect(workdir / STORE, read_only=True) as connection:
        rows = connection.execute("SELECT parameter, weight, learned, source FROM vc.score_weights WHERE round = ?",
                                  [day]).fetchall()
    used = {p: round(float(w), 4) for p, w, _, _ in rows if p in COMPONENTS}
    fitted = {p: round(float(w), 4) for p, _, w, _ in rows if p in COMPONENTS and w is not None and w == w}
    return rows[0][3], used, fitted


def simulate_round(sim_round, community: Community, workdir: Path, instance, resources: dict,
                   learning: bool = True) -> tuple[dict, list[CheckEvaluation]] | str:
    """Pair one simulated round (score weights learned from earlier rounds' feedback, or not),
    let its members answer the feedback form and re-pair the buddies of those who did not show;
    returns the round's record and failed checks, or the failure message of a run that failed."""
    key, started = f"{sim_round.round_date:%Y-%m-%d}", time.perf_counter()
    sim_round.export.to_csv(workdir / "surveys" / f"{key}.csv", index=False)
    config = None if learning else {"score_weights": {"config": {"learn": False}}}
    planned = run_round(key, "coffee_round", instance, resources, ops_config=config)
    if not planned.succeeded:
        return planned.message
    utility = _write_feedback(sim_round, community, workdir, key)
    final = run_round(key, "rematch", instance, resources)
    if not final.succeeded:
        return final.message
    with connect(workdir / STORE, read_only=True) as connection:
        figures = round_figures(connection, sim_round.round_date)
    source, weights, fitted = _weights(workdir, sim_round.round_date)
    failed = _round_checks(planned, final)
    record = {"round": key, "returning": sim_round.returning, "joined": sim_round.joined,
              "came_back": sim_round.came_back, **figures, "hidden_utility": round(utility, 4),
              "weights": source, "weights_used": weights, "weights_fitted": fitted,
              "failed_checks": [c.line() for c in failed], "seconds": round(time.perf_counter() - started, 1)}
    return record, failed


def simulate_year(community: Community, dates: list[dt.date], workdir: Path,
                  learning: bool) -> tuple[list[dict], dict[str, list[CheckEvaluation]]] | None:
    """One year in `workdir`, each round's line printed; (records, ERROR checks failed by round), or
    None when a round failed (said on stderr)."""
    import dagster as dg

    instance = dg.DagsterInstance.ephemeral()  # shared by the rounds: the rematch reads its round's scoring
    resources = simulation_resources(workdir)
    print(f"\nLearning {'on' if learning else 'off'}, in {workdir}", flush=True)
    print(table_header(), flush=True)
    records, with_errors = [], {}
    for sim_round in community_rounds(dates, community):
        outcome = simulate_round(sim_round, community, workdir, instance, resources, learning)
        if isinstance(outcome, str):
            print(f"Round {sim_round.round_date} failed; the simulation stops here.\n{outcome}", file=sys.stderr)
            return None
        record, failed = outcome
        records.append(record)
        print(table_line(record), flush=True)
        for check in failed:
            print(f"    {check.line()}", flush=True)
        if any(c.severity == "ERROR" for c in failed):
            with_errors[record["round"]] = [c for c in failed if c.severity == "ERROR"]
    return records, with_errors


def simulate(community: Community, rounds: int, workdir: Path, out: Path, learning: tuple[bool, ...] = (False, True)) -> int:
    """Run the simulation with learning off and/or on (a folder of `workdir` each), print it, write
    <out>/simulation.json and .png; the exit status."""
    from vc_pipeline.orchestration.partitions import rounds as round_partitions

    keys = simulation_rounds(round_partitions.get_partition_keys(), rounds)
    dates = [dt.date.fromisoformat(k) for k in keys]
    print(f"Simulating {rounds} rounds ({keys[0]} to {keys[-1]}) of {community} in {workdir}", flush=True)
    years, with_errors, started = {}, {}, time.perf_counter()
    for learn in learning:
        name = f"learning_{'on' if learn else 'off'}"
        outcome = simulate_year(community, dates, workdir / name.replace("_", "-") if len(learning) > 1 else workdir, learn)
        if outcome is None:
            return 1
        years[name], errors = outcome
        with_errors.update({f"{key} ({name})": e for key, e in errors.items()})
    for line in learning_lines(years, community.hidden, ScoreWeights()):
        print(line)
    out.mkdir(parents=True, exist_ok=True)
    (out / "simulation.json").write_text(json.dumps(years, indent=1) + "\n", encoding="utf-8")
    shown = years.get("learning_on") or years["learning_off"]
    (out / "simulation.png").write_bytes(trend_chart(shown, f"{rounds} simulated rounds, {community.members} members a round"))
    print(f"\n{sum(len(r) for r in years.values())} rounds in {time.perf_counter() - started:.0f} s; "
          f"tables {out / 'simulation.json'}, chart {out / 'simulation.png'}")
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
    parser.add_argument("--response-rate", type=float, default=defaults.response_rate,
                        help="share of members who answer the feedback form")
    parser.add_argument("--hidden", choices=("members", "hand"), default="members",
                        help="what members really value: weights unlike the hand ones (members), or the hand weights")
    parser.add_argument("--learning", choices=("both", "on", "off"), default="both",
                        help="learn score weights from the feedback: run the year both ways, or one")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--out", type=Path, default=Path("data/simulation"), help="folder for simulation.json and .png")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the store, surveys, controls and reports here (default: a temporary folder)")
    args = parser.parse_args(argv)
    try:
        hand = ScoreWeights()
        hidden = MEMBERS_VALUE if args.hidden == "members" else tuple(getattr(hand, c) for c in COMPONENTS)
        community = Community(members=args.members, return_share=args.return_share, join_share=args.join_share,
                              no_show_share=args.no_show_share, seed=args.seed, response_rate=args.response_rate,
                              hidden=hidden)
    except SettingsError as error:
        parser.error(str(error))
    with tempfile.TemporaryDirectory(prefix="vc-simulation-") as temporary:
        workdir = (args.workdir or Path(temporary)).resolve()
        try:
            learning = {"both": (False, True), "on": (True,), "off": (False,)}[args.learning]
            return simulate(community, args.rounds, workdir, args.out, learning)
        except UserError as error:  # e.g. more rounds than have ended
            print(f"simulate: {error}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
