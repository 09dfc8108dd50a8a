"""The resources every round asset uses: each setting and folder is a field with its default
(vc_pipeline.settings.DEFAULTS); `round_resources` reads them from the environment through
dg.EnvVar, `folder_resources` points them at explicit folders (tests, simulation, benchmarks)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import dagster as dg
import duckdb
import pandas as pd

from vc_pipeline.controls.round_controls import RoundControls, load_controls
from vc_pipeline.export.organizer import export_folder
from vc_pipeline.feedback.reader import feedback_path, read_feedback
from vc_pipeline.llm.structured import LlmSettings
from vc_pipeline.orchestration.environment import from_environment, optional_from_environment
from vc_pipeline.orchestration.io_manager import RoundTableIOManager
from vc_pipeline.report.html import report_path
from vc_pipeline.settings import (
    CONTROLS_DIR,
    DEFAULTS,
    DUCKDB_PATH,
    EXPORT_DIR,
    FEEDBACK_DIR,
    FEEDBACK_FORM_URL,
    HASH_KEY,
    MEMBERS_MODE,
    OPENAI_API_KEY,
    OPENAI_BASE_URL,
    OPENAI_MODEL,
    REPORT_DIR,
    SLACK_API_URL,
    SLACK_BOT_TOKEN,
    SURVEY_DIR,
)
from vc_pipeline.store.tables import connect
from vc_pipeline.survey.reader import read_survey, survey_path


class SurveyFiles(dg.ConfigurableResource):
    """Where the rounds' form exports live: one `<round>.csv` per round."""

    survey_dir: str = DEFAULTS[SURVEY_DIR]

    def path(self, round_date: dt.date) -> Path:
        return survey_path(self.survey_dir, f"{round_date:%Y-%m-%d}")

    def read(self, round_date: dt.date) -> pd.DataFrame:
        return read_survey(self.path(round_date), round_date)


class FeedbackFiles(dg.ConfigurableResource):
    """Where the rounds' feedback form exports live: one `<round>.csv` per round (none yet: no feedback)."""

    feedback_dir: str = DEFAULTS[FEEDBACK_DIR]

    def path(self, round_date: dt.date) -> Path:
        return feedback_path(self.feedback_dir, round_date)

    def read(self, round_date: dt.date) -> pd.DataFrame:
        return read_feedback(self.path(round_date), round_date)


class OrganizerControls(dg.ConfigurableResource):
    """Where the organizers' per-round controls live: `<controls_dir>/<round>.yaml`."""

    controls_dir: str = DEFAULTS[CONTROLS_DIR]

    def for_round(self, round_date: dt.date) -> RoundControls:
        return load_controls(self.controls_dir, f"{round_date:%Y-%m-%d}")


class RoundOutputs(dg.ConfigurableResource):
    """Where a round's files for people go: the organizers' export folder and the HTML reports."""

    export_dir: str = DEFAULTS[EXPORT_DIR]
    report_dir: str = DEFAULTS[REPORT_DIR]

    def export_folder(self, round_date: dt.date) -> Path:
        return export_folder(Path(self.export_dir), round_date)

    def report_path(self, round_date: dt.date) -> Path:
        return report_path(Path(self.report_dir), round_date)


class RoundStore(dg.ConfigurableResource):
    """The DuckDB file every round is stored in, for reading earlier rounds."""

    database: str = DEFAULTS[DUCKDB_PATH]
    lock_wait_seconds: float = 60.0

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.database, wait_seconds=self.lock_wait_seconds) as connection:
            yield connection


class MemberSettings(dg.ConfigurableResource):
    """How respondents become members: `synthetic` or `passthrough`, the member-id hash key, and
    the OpenAI paraphrasing used in synthetic mode when a key is set."""

    mode: str = DEFAULTS[MEMBERS_MODE]
    hash_key: str = DEFAULTS[HASH_KEY]
    openai_api_key: Optional[str] = None  # noqa: UP045 (Dagster config needs Optional)
    openai_model: str = DEFAULTS[OPENAI_MODEL]
    openai_base_url: Optional[str] = None  # noqa: UP045

    def llm_settings(self) -> LlmSettings | None:
        """The OpenAI settings, or None for the offline paraphraser."""
        if not self.openai_api_key:
            return None
        return LlmSettings(api_key=self.openai_api_key, model=self.openai_model, base_url=self.openai_base_url)


class SlackSettings(dg.ConfigurableResource):
    """How the Slack jobs reach Slack: the bot token (none: a dry run that writes an outbox and
    sends nothing), the Web API's URL, the feedback form the check-ins link to, and how many 429s
    in a row to wait out."""

    bot_token: Optional[str] = None  # noqa: UP045 (Dagster config needs Optional)
    api_url: str = DEFAULTS[SLACK_API_URL]
    feedback_form_url: Optional[str] = None  # noqa: UP045
    max_rate_limit_retries: int = 10

    def client(self):
        """(slack_sdk WebClient, its rate-limit handler); only with a token."""
        from vc_pipeline.slack.client import web_client

        return web_client(self.bot_token, self.api_url, self.max_rate_limit_retries)


def round_resources() -> dict:
    """The resources every round's assets use, each setting read from its environment variable
    (dg.EnvVar) when set, else its default; all of them read the same store."""
    database = from_environment(DUCKDB_PATH)
    return {
        "io_manager": RoundTableIOManager(database=database),
        "store": RoundStore(database=database),
        "survey_files": SurveyFiles(survey_dir=from_environment(SURVEY_DIR)),
        "feedback_files": FeedbackFiles(feedback_dir=from_environment(FEEDBACK_DIR)),
        "organizer_controls": OrganizerControls(controls_dir=from_environment(CONTROLS_DIR)),
        "round_outputs": RoundOutputs(export_dir=from_environment(EXPORT_DIR), report_dir=from_environment(REPORT_DIR)),
        "member_settings": MemberSettings(mode=from_environment(MEMBERS_MODE), hash_key=from_environment(HASH_KEY),
                                          openai_api_key=optional_from_environment(OPENAI_API_KEY),
                                          openai_model=from_environment(OPENAI_MODEL),
                                          openai_base_url=optional_from_environment(OPENAI_BASE_URL)),
        "slack": SlackSettings(bot_token=optional_from_environment(SLACK_BOT_TOKEN),
                               api_url=from_environment(SLACK_API_URL),
                               feedback_form_url=optional_from_environment(FEEDBACK_FORM_URL)),
    }


def folder_resources(database: str | Path, survey_dir: str | Path, *, mode: str, hash_key: str,
                     controls_dir: str | Path | None = None, export_dir: str | Path | None = None,
                     report_dir: str | Path | None = None, openai: LlmSettings | None = None,
                     slack: SlackSettings | None = None, feedback_dir: str | Path | None = None) -> dict:
    """The same resources pointed at explicit folders, no environment read: controls default to
    `<survey_dir>/controls`, feedback to `<survey_dir>/feedback`, exports and reports to `exports/`
    and `reports/` beside the store."""
    beside = Path(database).parent
    llm = {"openai_api_key": openai.api_key, "openai_model": openai.model, "openai_base_url": openai.base_url} if openai else {}
    return {
        "io_manager": RoundTableIOManager(database=str(database)),
        "store": RoundStore(database=str(database)),
        "survey_files": SurveyFiles(survey_dir=str(survey_dir)),
        "feedback_files": FeedbackFiles(feedback_dir=str(feedback_dir or Path(survey_dir) / "feedback")),
        "organizer_controls": OrganizerControls(controls_dir=str(controls_dir or Path(survey_dir) / "controls")),
        "round_outputs": RoundOutputs(export_dir=str(export_dir or beside / "exports"),
                                      report_dir=str(report_dir or beside / "reports")),
        "member_settings": MemberSettings(mode=mode, hash_key=hash_key, **llm),
        "slack": slack or SlackSettings(),
    }


def round_definitions(resources: dict | None = None):
    """The code location's definitions (vc_pipeline.definitions), settings read from the
    environment now; with `resources`, the same assets, checks, jobs, schedules and sensors bound
    to those instead (the simulation's own folders, tests)."""
    from vc_pipeline.definitions import defs

    definitions = defs()
    if resources is None:
        return definitions
    return dg.Definitions(assets=definitions.assets, asset_checks=definitions.asset_checks, jobs=definitions.jobs,
                          schedules=definitions.schedules, sensors=definitions.sensors, resources=resources)


def round_assets() -> list:
    """Every asset a round materializes (as `make run` and the tests do): all but the Slack ones,
    which only the organizer launches."""
    return [a for a in round_definitions().assets if "slack" not in a.group_names_by_key.values()]
