"""Where settings enter from the environment: the only reader of `os.environ` outside the
command-line entry points. Nothing here writes it."""

import os
from collections.abc import Mapping

import dagster as dg

from vc_pipeline.settings import DEFAULTS


def setting_now(name: str, environment: Mapping[str, str] | None = None) -> str:
    """The setting's value: its environment variable when set and not empty, else its default.
    For what Dagster needs while loading the definitions (the rounds' cron, the sensor's default
    status), which cannot wait for a resource."""
    value = (os.environ if environment is None else environment).get(name)
    return value or DEFAULTS[name]


def from_environment(name: str) -> dg.EnvVar | str:
    """A resource field's value: `dg.EnvVar(name)` when the variable is set (the UI shows where it
    came from, and it is read when the run starts), else the documented default."""
    return dg.EnvVar(name) if os.environ.get(name) else DEFAULTS[name]


def optional_from_environment(name: str) -> dg.EnvVar | None:
    """`dg.EnvVar(name)` when set, else None (an unset dg.EnvVar would fail the whole run)."""
    return dg.EnvVar(name) if os.environ.get(name) else None
