"""One family of user errors: each says what to fix in one line; anything else keeps its traceback."""

import dagster as dg
import pytest

from vc_pipeline.controls.round_controls import ControlsError
from vc_pipeline.errors import ExportError, SettingsError, UserError, check_member_mode
from vc_pipeline.orchestration.round_asset import user_errors_fail_the_step
from vc_pipeline.pairing.master import SolverFailed
from vc_pipeline.pairing.round_pairing import RoundInfeasible
from vc_pipeline.store.tables import SchemaChanged, StoreBusy
from vc_pipeline.survey.reader import SurveyError


@pytest.mark.parametrize("error", [SurveyError, ControlsError, RoundInfeasible, SolverFailed, StoreBusy,
                                   SchemaChanged, SettingsError, ExportError])
def test_every_error_a_user_can_act_on_is_a_user_error(error):
    assert issubclass(error, UserError)


def test_a_user_error_fails_the_step_with_its_message_only():
    with pytest.raises(dg.Failure) as failure, user_errors_fail_the_step():
        raise SurveyError("data/surveys/2026-01-01.csv: row 3, column 'email': expected an email address")
    assert failure.value.description == "data/surveys/2026-01-01.csv: row 3, column 'email': expected an email address"
    assert failure.value.__cause__ is None and failure.value.__suppress_context__


def test_any_other_error_passes_through_with_its_traceback():
    with pytest.raises(KeyError) as error, user_errors_fail_the_step():
        {}["member_id"]
    assert error.traceback[-1].name == "test_any_other_error_passes_through_with_its_traceback"


def test_an_unknown_member_mode_is_named_once_for_every_caller():
    assert check_member_mode("passthrough") == "passthrough"
    with pytest.raises(SettingsError, match="VC_MEMBERS_MODE is 'real'; expected 'synthetic' or 'passthrough'"):
        check_member_mode("real")
