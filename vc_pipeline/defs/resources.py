"""Resources, configured from the environment through dg.EnvVar (defaults in vc_pipeline.settings)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
import pandas as pd

from vc_pipeline.defs.io_manager import RoundTableIOManager
from vc_pipeline.settings import DUCKDB_PATH, HASH_KEY, MEMBERS_MODE, SURVEY_DIR
from vc_pipeline.store.tables import connect
from vc_pipeline.survey.reader import read_survey, survey_path


class SurveyFiles(dg.ConfigurableResource):
    """Where the rounds' form exports live: one `<round>.csv` per round."""

    survey_dir: str

    def read(self, round_date: dt.date) -> pd.DataFrame:
        return read_survey(survey_path(self.survey_dir, f"{round_date:%Y-%m-%d}"), round_date)


class RoundStore(dg.ConfigurableResource):
    """The DuckDB file every round is stored in, for reading earlier rounds."""

    database: str
    lock_wait_seconds: float = 60.0

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.database, wait_seconds=self.lock_wait_seconds) as connection:
            yield connection


class MemberSettings(dg.ConfigurableResource):
    """How respondents become members: `synthetic` or `passthrough`, and the member-id hash key."""

    mode: str
    hash_key: str


def round_resources() -> dict:
    """The resources every round's assets use, all reading the same store."""
    return {
        "io_manager": RoundTableIOManager(database=dg.EnvVar(DUCKDB_PATH)),
        "store": RoundStore(database=dg.EnvVar(DUCKDB_PATH)),
        "survey_files": SurveyFiles(survey_dir=dg.EnvVar(SURVEY_DIR)),
        "member_settings": MemberSettings(mode=dg.EnvVar(MEMBERS_MODE), hash_key=dg.EnvVar(HASH_KEY)),
    }
