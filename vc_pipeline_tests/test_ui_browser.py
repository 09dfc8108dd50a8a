"""End to end in a real browser: an organizer pairs a sample round from the Dagster UI.

`dagster dev` (webserver and daemon, the repo's dagster.yaml) runs on loopback against a temporary
store; headless Chromium opens the round's asset graph, launches one round's materialization from
it, waits for the run to succeed and reads ilp_pairing's checks. Screenshots land in
data/screenshots/latest/ (the README shows copies of them).
"""

import re
import shutil

import pytest
from playwright.sync_api import expect

from vc_pipeline.store.tables import connect, qualified
from vc_pipeline_tests.browser import chromium_page, screenshot
from vc_pipeline_tests.conftest import SAMPLE_DIR, TEST_KEY
from vc_pipeline_tests.dagster_ui import RUN_STATUS, dagster_dev, graphql

# headless Chromium drives the Dagster UI
pytestmark = pytest.mark.browser

ROUND = "2026-10-01"
# The whole round (model load included) takes about a minute here; CI's 2 cores may be busier.
RUN_TIMEOUT_MS = 600_000


def test_an_organizer_pairs_a_round_from_the_ui(tmp_path):
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    shutil.copy(SAMPLE_DIR / f"{ROUND}.csv", surveys)
    database = tmp_path / "rounds.duckdb"
    env = {"VC_DUCKDB_PATH": str(database), "VC_SURVEY_DIR": str(surveys), "VC_HASH_KEY": TEST_KEY,
           "VC_EXPORT_DIR": str(tmp_path / "exports"), "VC_CONTROLS_DIR": str(tmp_path / "controls"),
           # the round must be launched by hand from the UI, not by the sensor seeing the file
           "VC_SURVEY_SENSOR": "stopped"}

    with dagster_dev(tmp_path, env) as base_url, chromium_page(1600, 1000) as page:
        page.goto(f"{base_url}/locations/vc_pipeline/asset-groups/coffee_round")
        for stage in ("raw_survey", "synthetic_members", "normalized_members", "embeddings", "score_matrix",
                      "ilp_pairing", "fairness_report"):
            expect(page.get_by_text(stage, exact=True).first).to_be_visible(timeout=60_000)
        screenshot(page, "ui-asset-graph")

        page.get_by_role("button", name="Materialize all").click()
        partitions = page.get_by_placeholder("No matching partitions")
        partitions.fill(ROUND)
        partitions.press("Enter")
        launch = page.get_by_role("button", name="Launch 1 run")
        expect(launch).to_be_enabled()
        screenshot(page, "ui-launch-round")
        launch.click()

        view_run = page.locator('a[href^="/runs/"]', has_text="View")
        expect(view_run).to_be_visible(timeout=30_000)
        run_id = view_run.get_attribute("href").rsplit("/", 1)[-1]
        # the toast fades after a while: open its run by address rather than race the click
        page.goto(f"{base_url}/runs/{run_id}")
        outcome = page.get_by_text(re.compile(r"^(Success|Failure|Canceled)$")).first
        expect(outcome).to_be_visible(timeout=RUN_TIMEOUT_MS)
        assert outcome.inner_text() == "Success", f"run {run_id} ended {outcome.inner_text()}; see the UI log"
        assert graphql(base_url, RUN_STATUS, {"id": run_id})["runOrError"]["status"] == "SUCCESS"
        expect(page.get_by_text(f"partition: {ROUND}")).to_be_visible()
        screenshot(page, "ui-run-success")

        page.goto(f"{base_url}/assets/ilp_pairing?view=checks")
        # the list names the five checks, each "Succeeded"; each one's page says its latest result "Passed"
        expect(page.get_by_text("Succeeded", exact=True)).to_have_count(5, timeout=60_000)
        for name, kind in (("schema", "blocking"), ("hard_constraints", "non-blocking"),
                           ("earlier_rounds_paired", "non-blocking"), ("fresh_partners", "non-blocking"),
                           ("reliability", "non-blocking")):
            page.get_by_text(name, exact=True).first.click()
            expect(page.get_by_text(kind, exact=True)).to_be_visible()
            expect(page.get_by_text("Passed", exact=True)).to_be_visible()
        screenshot(page, "ui-ilp-pairing-checks")

    # the run the browser launched really paired the round into the temporary store
    with connect(database, read_only=True) as connection:
        members, groups, byes = connection.execute(
            "SELECT count(*), count(DISTINCT group_id), count(*) FILTER (WHERE kind = 'bye') "
            f"FROM {qualified(connection, 'ilp_pairing')} WHERE round = ?", [ROUND]).fetchall()[0]
    assert members > 100 and byes == members % 2
    assert groups == (members - byes) // 2 + byes
