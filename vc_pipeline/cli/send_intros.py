"""`make send-intros ROUND=YYYY-MM-DD` (and `make send-checkins`): run the send_intros (or
send_checkins) job for one round on the Dagster instance, as launching it in the UI would, and
print what happened: what was sent, how long Slack's rate limits held it, and, by name, every
member Slack could not find (this is the organizer's own terminal, like pairs.csv)."""

import argparse
import datetime as dt
import sys
from pathlib import Path

from vc_pipeline.cli.run_rounds import run_round
from vc_pipeline.settings import EXPORT_DIR


def _print_result(asset: str, metadata: dict, export_folder: Path) -> None:
    if metadata.get("dry_run"):
        print(f"Dry run (SLACK_BOT_TOKEN is not set): nothing sent; {metadata['groups']} messages written to "
              f"{metadata['outbox']}")
        if metadata.get("would_be_refused", "no") != "no":
            print(f"With a token this round would be refused: {metadata['would_be_refused']}")
        return
    print(f"{asset}: sent {metadata['sent']}, already sent before {metadata['already_sent']}, found sent after a "
          f"crash {metadata['recovered_after_a_crash']}, failed {metadata['failed_groups']} "
          f"({metadata['failed_errors']}); waited {metadata['rate_limit_waited_seconds']} s for Slack's rate limits "
          f"({metadata['rate_limit_waits']} times)")
    if asset == "slack_checkins" and metadata.get("no_intro_yet"):
        print(f"{metadata['no_intro_yet']} groups got no check-in: their intro was never sent")
    unreached = export_folder / "slack_unreached.md"
    if asset == "slack_intros" and unreached.exists():
        lines = [line for line in unreached.read_text(encoding="utf-8").splitlines() if line.startswith("- ")]
        if lines != ["- nobody"]:
            print(f"Reach these members by hand (also in {unreached}):", *lines, sep="\n  ")


def main(argv: list[str] | None = None) -> int:
    from vc_pipeline.orchestration.environment import setting_now

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round", required=True, help="the round's start date, YYYY-MM-DD")
    parser.add_argument("--checkins", action="store_true", help="send the check-ins instead of the intros")
    parser.add_argument("--despite-failed-checks", action="store_true",
                        help="send although an ERROR-severity check of the round failed")
    args = parser.parse_args(argv)
    try:
        round_date = dt.date.fromisoformat(args.round)
    except ValueError:
        print(f"--round {args.round}: expected a round's start date as YYYY-MM-DD", file=sys.stderr)
        return 2
    job, asset = ("send_checkins", "slack_checkins") if args.checkins else ("send_intros", "slack_intros")
    despite = args.despite_failed_checks and not args.checkins
    config = {"slack_intros": {"config": {"send_despite_failed_checks": True}}} if despite else None
    run = run_round(args.round, job=job, ops_config=config)
    if not run.succeeded:
        print(f"{job} for round {args.round} did not finish:\n{run.message}", file=sys.stderr)
        return 1
    _print_result(asset, run.metadata[asset], Path(setting_now(EXPORT_DIR)) / f"{round_date:%Y-%m-%d}")
    for check in run.failed_checks:
        print(f"  {check.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
