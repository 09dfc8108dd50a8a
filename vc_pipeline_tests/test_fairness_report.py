"""fairness_report and fairness_trends on the sample rounds: figures, checks, charts, HTML page."""

import dagster as dg
import duckdb
import pytest

from vc_pipeline.report.thresholds import CHECKS
from vc_pipeline_tests.browser import chromium_page, screenshot
from vc_pipeline_tests.conftest import SAMPLE_ROUNDS, round_date


def _report(database, key: str) -> dict[str, float]:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute('SELECT metric, value FROM vc.fairness_report WHERE round = ?',
                                  [round_date(key)]).fetchall()
    return dict(rows)


@pytest.mark.parametrize("key", SAMPLE_ROUNDS)
def test_optimizer_beats_the_greedy_baseline_on_the_sample_rounds(sample_store, key):
    report = _report(sample_store["database"], key)
    assert report["baseline_total_ratio"] >= 1.0
    assert report["score_total"] == pytest.approx(report["baseline_total_ratio"] * report["baseline_score_total"])
    assert report["repeat_pairs"] == 0 and report["constraint_violations"] == 0
    assert 0 < report["wish_satisfied_share"] < 1 and 0 < report["popular_exposure_ratio"] < 1
    assert report["score_p10"] <= report["score_p25"] <= report["score_median"]


def test_checks_are_reported_with_their_severities(sample_store):
    for result in sample_store["results"]:
        evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()
                       if e.asset_key == dg.AssetKey("fairness_report")}
        assert set(evaluations) == {"schema", *(name for name, _ in CHECKS)}
        assert evaluations["repeat_pairs"].passed and evaluations["repeat_pairs"].severity == dg.AssetCheckSeverity.ERROR
        assert evaluations["low_score_p10"].severity == dg.AssetCheckSeverity.WARN


def test_charts_are_in_the_ui_metadata(sample_store):
    materialization = sample_store["results"][-1].asset_materializations_for_node("fairness_report")[0]
    charts = {k: v for k, v in materialization.metadata.items() if k.startswith("chart_")}
    assert set(charts) == {"chart_score_distribution", "chart_role_pairs", "chart_career_stages",
                           "chart_ratings_by_score", "chart_trend"}
    assert all(v.value.startswith("![") and "(data:image/png;base64,iVBOR" in v.value for v in charts.values())


def test_trends_put_both_rounds_side_by_side(sample_store):
    with duckdb.connect(str(sample_store["database"]), read_only=True) as connection:
        trends = connection.execute('SELECT * FROM vc.fairness_trends').fetchdf().set_index("metric")
    assert list(trends.columns) == [*SAMPLE_ROUNDS, "change"]
    latest, earlier = (_report(sample_store["database"], k) for k in reversed(SAMPLE_ROUNDS))
    assert trends.loc["members", SAMPLE_ROUNDS[1]] == latest["members"]
    assert trends.loc["score_median", "change"] == pytest.approx(latest["score_median"] - earlier["score_median"])


@pytest.mark.browser
def test_html_report_renders_in_headless_chromium(sample_store, report_folder):
    page_path = report_folder / f"{SAMPLE_ROUNDS[-1]}.html"
    text = page_path.read_text(encoding="utf-8")
    assert text.count('src="data:image/png;base64,') == 5 and "http" not in text  # self-contained
    with chromium_page(width=1300, height=1000) as page:
        page.goto(page_path.as_uri())
        sizes = page.eval_on_selector_all("img", "images => images.map(i => [i.complete, i.naturalWidth])")
        assert len(sizes) == 5 and all(done and width > 300 for done, width in sizes)
        assert page.locator("h1").inner_text().startswith(f"Virtual Coffee round {SAMPLE_ROUNDS[-1]}")
        assert screenshot(page, "fairness-report").stat().st_size > 50_000
