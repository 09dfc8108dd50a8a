"""Runtime settings: their environment variable names and documented defaults.

Only the resource layer (`vc_pipeline.orchestration.environment`) and the command-line entry
points read the environment; everything else takes values and paths as arguments.
"""

DUCKDB_PATH = "VC_DUCKDB_PATH"
SURVEY_DIR = "VC_SURVEY_DIR"
MEMBERS_MODE = "VC_MEMBERS_MODE"
HASH_KEY = "VC_HASH_KEY"
ROUNDS_CRON = "VC_ROUNDS_CRON"
CONTROLS_DIR = "VC_CONTROLS_DIR"
EXPORT_DIR = "VC_EXPORT_DIR"
REPORT_DIR = "VC_REPORT_DIR"
OPENAI_MODEL = "VC_OPENAI_MODEL"
OPENAI_API_KEY = "OPENAI_API_KEY"
OPENAI_BASE_URL = "OPENAI_BASE_URL"
SURVEY_SENSOR = "VC_SURVEY_SENSOR"
SLACK_BOT_TOKEN = "SLACK_BOT_TOKEN"
SLACK_API_URL = "VC_SLACK_API_URL"
FEEDBACK_FORM_URL = "VC_FEEDBACK_FORM_URL"
FEEDBACK_DIR = "VC_FEEDBACK_DIR"

# A development key: fine for the fabricated sample, never for a real export (a warning says so).
DEV_HASH_KEY = "vc-development-key-not-secret"

DEFAULTS = {
    # any file name but vc.duckdb: a file named like the schema makes `vc.table` ambiguous in DuckDB
    DUCKDB_PATH: "data/rounds.duckdb",
    SURVEY_DIR: "data/surveys",
    MEMBERS_MODE: "synthetic",
    HASH_KEY: DEV_HASH_KEY,
    ROUNDS_CRON: "0 0 1 * *",
    CONTROLS_DIR: "data/controls",
    EXPORT_DIR: "data/exports",
    REPORT_DIR: "data/reports",
    OPENAI_MODEL: "gpt-4o-mini",
    # "stopped" starts a fresh DAGSTER_HOME with the new-survey sensor off (rounds launched by hand)
    SURVEY_SENSOR: "running",
    SLACK_API_URL: "https://slack.com/api/",
    FEEDBACK_DIR: "data/feedback",
}

DB_SCHEMA = "vc"
