"""The launchpad configs (what a data team edits in the UI) hold exactly the plain settings'
fields, with the same defaults, so a setting added to one and not the other fails here."""

import pytest
from pydantic import BaseModel

from vc_pipeline.defs.fairness_report import FairnessConfig
from vc_pipeline.defs.ilp_pairing import PairingConfig
from vc_pipeline.defs.score_matrix import ScoreTableConfig
from vc_pipeline.defs.score_weights import ScoringConfig
from vc_pipeline.defs.synthetic_members import MembersConfig
from vc_pipeline.members.build import NoiseRates
from vc_pipeline.pairing.settings import PairingSettings
from vc_pipeline.report.thresholds import FairnessThresholds
from vc_pipeline.scoring.learning import LearningSettings
from vc_pipeline.scoring.pair_scores import ScoreTableSettings
from vc_pipeline.scoring.weights import ScoreWeights


class ScoringSettings(ScoreWeights, LearningSettings):
    """score_weights' config holds both plain models' fields."""


CONFIGS = [(ScoringConfig, ScoringSettings, ""), (PairingConfig, PairingSettings, ""),
           (FairnessConfig, FairnessThresholds, ""), (MembersConfig, NoiseRates, "_noise"),
           (ScoreTableConfig, ScoreTableSettings, "")]


def defaults(model: type[BaseModel], suffix: str = "") -> dict:
    return {name + suffix: field.default for name, field in model.model_fields.items()}


@pytest.mark.parametrize(("config", "plain", "suffix"), CONFIGS, ids=[c.__name__ for c, _, _ in CONFIGS])
def test_config_matches_the_plain_settings_field_for_field(config, plain, suffix):
    assert defaults(config) == defaults(plain, suffix)


@pytest.mark.parametrize(("config", "plain", "suffix"), CONFIGS, ids=[c.__name__ for c, _, _ in CONFIGS])
def test_the_configs_defaults_are_valid_plain_settings(config, plain, suffix):
    values = {name.removesuffix(suffix): value for name, value in config().model_dump().items()}
    assert plain(**values) == plain()
