"""Resources, configured from the environment through dg.EnvVar (defaults in vc_pipeline.settings)."""

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import dagster as dg
import duckdb
import pandas as pd

from vc_pipeline.controls.round_controls import RoundControls, load_controls
from vc_pipeline.defs.io_manager import RoundTableIOManager
from vc_pipeline.members.llm_paraphrase import LlmSettings
from vc_pipeline.settings import (
    CONTROLS_DIR,
    DEFAULTS,
    DUCKDB_PATH,
    HASH_KEY,
    MEMBERS_MODE,
    OPENAI_API_KEY,
    OPENAI_BASE_URL,
    OPENAI_MODEL,
    SURVEY_DIR,
)
from vc_pipeline.store.tables import connect
from vc_pipeline.survey.reader import read_survey, survey_path


class SurveyFiles(dg.ConfigurableResource):
    """Where the rounds' form exports live: one `<round>.csv` per round."""

    survey_dir: str

    def path(self, round_date: dt.date) -> Path:
        return survey_path(self.survey_dir, f"{round_date:%Y-%m-%d}")

    def read(self, round_date: dt.date) -> pd.DataFrame:
        return read_survey(self.path(round_date), round_date)


class OrganizerControls(dg.ConfigurableResource):
    """Where the organizers' per-round controls live: `<controls_dir>/<round>.yaml`."""

    controls_dir: str

    def for_round(self, round_date: dt.date) -> RoundControls:
        return load_controls(self.controls_dir, f"{round_date:%Y-%m-%d}")



class RoundStore(dg.ConfigurableResource):
    """The DuckDB file every round is stored in, for reading earlier rounds."""

    database: str
    lock_wait_seconds: float = 60.0

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.database, wait_seconds=self.lock_wait_seconds) as connection:
            yield connection


class MemberSettings(dg.ConfigurableResource):
    """How respondents become members: `synthetic` or `passthrough`, the member-id hash key, and
    the OpenAI paraphrasing used in synthetic mode when a key is set."""

    mode: str
    hash_key: str
    openai_api_key: Optional[str] = None  # noqa: UP045 (Dagster config needs Optional)
    openai_model: str = DEFAULTS[OPENAI_MODEL]
    openai_base_url: Optional[str] = None  # noqa: UP045

    def llm_settings(self) -> LlmSettings | None:
        """The OpenAI settings, or None for the offline paraphraser."""
        if not self.openai_api_key:
            return None
        return LlmSettings(api_key=self.openai_api_key, model=self.openai_model, base_url=self.openai_base_url)


def _optional_env(name: str):
    # only a variable that is set becomes an EnvVar: an unset dg.EnvVar fails the whole run
    return dg.EnvVar(name) if os.environ.get(name) else None


def round_resources() -> dict:
    """The resources every round's assets use, all reading the same store."""
    return {
        "io_manager": RoundTableIOManager(database=dg.EnvVar(DUCKDB_PATH)),
        "store": RoundStore(database=dg.EnvVar(DUCKDB_PATH)),
        "survey_files": SurveyFiles(survey_dir=dg.EnvVar(SURVEY_DIR)),
        "organizer_controls": OrganizerControls(controls_dir=dg.EnvVar(CONTROLS_DIR)),
        "member_settings": MemberSettings(mode=dg.EnvVar(MEMBERS_MODE), hash_key=dg.EnvVar(HASH_KEY),
                                          openai_api_key=_optional_env(OPENAI_API_KEY),
                                          openai_model=dg.EnvVar(OPENAI_MODEL),
                                          openai_base_url=_optional_env(OPENAI_BASE_URL)),
    }


def folder_resources(database: str | Path, survey_dir: str | Path, *, mode: str, hash_key: str,
                     controls_dir: str | Path | None = None) -> dict:
    """The same resources pointed at explicit folders (tests, benchmarks): no environment read."""
    return {
        "io_manager": RoundTableIOManager(database=str(database)),
        "store": RoundStore(database=str(database)),
        "survey_files": SurveyFiles(survey_dir=str(survey_dir)),
        "organizer_controls": OrganizerControls(controls_dir=str(controls_dir or Path(survey_dir) / "controls")),
        "member_settings": MemberSettings(mode=mode, hash_key=hash_key),
    }
