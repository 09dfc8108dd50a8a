"""Organizer controls: validated files, and opt-outs, pins and blocks changing the round."""

import datetime as dt

import duckdb
import pytest

from vc_pipeline.controls.round_controls import ControlsError, load_controls
from vc_pipeline.sample.generate import generate_rounds, write_rounds
from vc_pipeline_tests.conftest import materialize_round
from vc_pipeline_tests.test_small_rounds import _feasible

DAY = dt.date(2026, 4, 1)


def test_no_file_means_no_controls(tmp_path):
    controls = load_controls(tmp_path, "2026-04-01")
    assert controls.opt_outs == [] and controls.pins == [] and controls.blocks == []


def test_a_valid_file_is_read_and_normalized(tmp_path):
    (tmp_path / "2026-04-01.yaml").write_text("opt_outs: [' Ana@Example.org ']\npins: [[a@x.io, b@x.io]]\n")
    controls = load_controls(tmp_path, "2026-04-01")
    assert controls.opt_outs == ["ana@example.org"] and controls.pins == [("a@x.io", "b@x.io")]


@pytest.mark.parametrize("content, message", [
    ("pins: [[a@x.io]]\n", "pins.0"),
    ("blocks: [[a@x.io, a@x.io]]\n", "two different email addresses"),
    ("opt_outs: [not-an-email]\n", "opt_outs: .*expected an email address"),
    ("pairs: []\n", "pairs: Extra inputs"),
    ("opt_outs: [a@x.io\n", "not valid YAML"),
    ("- a@x.io\n", "expected a mapping"),
])
def test_bad_files_name_the_file_and_the_field(tmp_path, content, message):
    (tmp_path / "2026-04-01.yaml").write_text(content)
    with pytest.raises(ControlsError, match=message) as error:
        load_controls(tmp_path, "2026-04-01")
    assert "2026-04-01.yaml" in str(error.value)


@pytest.mark.slow
def test_opt_outs_pins_and_blocks_change_the_pairing(tmp_path):
    export = _feasible(generate_rounds([DAY], [10], seed=9, duplicates=0)[DAY])
    export["Do you have a preference on who your buddy should be?"] = "No preference"
    write_rounds(tmp_path / "surveys", {DAY: export})
    emails = list(export["Your email address"])
    database = tmp_path / "rounds.duckdb"

    def partners():
        with duckdb.connect(str(database), read_only=True) as connection:
            rows = connection.execute('SELECT member_id, partner_id FROM vc.ilp_pairing').fetchall()
        return dict(rows)

    materialize_round("2026-04-01", database, tmp_path / "surveys", mode="passthrough")
    before = partners()
    from vc_pipeline.members.pseudonym import member_id
    from vc_pipeline_tests.conftest import TEST_KEY

    ids = [member_id(e, TEST_KEY) for e in emails]
    partner_of_0 = before[ids[0]]
    pin = next(e for e, i in zip(emails[1:], ids[1:]) if i != partner_of_0)
    (tmp_path / "surveys" / "controls").mkdir()
    (tmp_path / "surveys" / "controls" / "2026-04-01.yaml").write_text(
        f"opt_outs: [{emails[9]}]\npins: [[{emails[0]}, {pin}]]\n")
    materialize_round("2026-04-01", database, tmp_path / "surveys", mode="passthrough")
    after = partners()
    assert ids[9] not in after and len(after) == 9
    assert after[ids[0]] == member_id(pin, TEST_KEY)
    (tmp_path / "surveys" / "controls" / "2026-04-01.yaml").write_text(f"blocks: [[{emails[0]}, {pin}]]\n")
    materialize_round("2026-04-01", database, tmp_path / "surveys", mode="passthrough")
    assert partners()[ids[0]] != member_id(pin, TEST_KEY)
