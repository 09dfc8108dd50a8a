"""Organizer controls for a round, from `<VC_CONTROLS_DIR>/<round>.yaml`, validated with clear errors.

    opt_outs: [ana@example.org]            # not paired this round
    pins: [[ana@example.org, bo@x.io]]     # these two must meet
    blocks: [[cy@x.io, di@y.org]]          # these two must never meet
    no_shows: [ed@x.io]                    # recorded after the round: did not show up

People are named by the email they used on the form; emails are turned into member ids here and
never stored downstream.
"""

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vc_pipeline.errors import UserError
from vc_pipeline.members.pseudonym import member_id, normalize_email
from vc_pipeline.survey.reader import one_line


class ControlsError(UserError, ValueError):
    """A controls file that cannot be used; the message names the file and the field."""


class RoundControls(BaseModel):
    """A round's organizer controls (all optional)."""

    model_config = ConfigDict(extra="forbid")
    opt_outs: list[str] = Field(default_factory=list)
    pins: list[tuple[str, str]] = Field(default_factory=list)
    blocks: list[tuple[str, str]] = Field(default_factory=list)
    no_shows: list[str] = Field(default_factory=list)

    @field_validator("opt_outs", "no_shows", mode="after")
    @classmethod
    def _emails(cls, emails: list[str]) -> list[str]:
        for email in emails:
            if "@" not in email:
                raise ValueError("expected an email address")
        return [normalize_email(e) for e in emails]

    @field_validator("pins", "blocks", mode="after")
    @classmethod
    def _pairs(cls, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for a, b in pairs:
            if "@" not in a or "@" not in b or normalize_email(a) == normalize_email(b):
                raise ValueError("expected two different email addresses")
        return [(normalize_email(a), normalize_email(b)) for a, b in pairs]


def load_controls(folder: str | Path, round_key: str) -> RoundControls:
    """The controls in `<folder>/<round_key>.yaml`; no file means no controls."""
    path = Path(folder) / f"{round_key}.yaml"
    if not path.is_file():
        return RoundControls()
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ControlsError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(content, dict):
        raise ControlsError(f"{path}: expected a mapping with opt_outs, pins and blocks")
    try:
        return RoundControls.model_validate(content)
    except ValidationError as error:
        problems = "; ".join(f"{one_line('.'.join(str(p) for p in e['loc']))}: {e['msg']}" for e in error.errors())
        raise ControlsError(f"{path}: {problems}") from None


def member_ids_of(email: str, key: str, mode: str) -> list[str]:
    """The member ids a person may have: their own (passthrough) or the synthetic members they seed."""
    if mode == "passthrough":
        return [member_id(email, key)]
    return [member_id(email, key, namespace=f"synthetic-{slot}") for slot in (0, 1)]


def id_pairs(pairs: list[tuple[str, str]], key: str, mode: str) -> list[frozenset[str]]:
    """Email pairs as member-id pairs (every combination of the two people's member ids)."""
    return [frozenset((a, b)) for x, y in pairs for a in member_ids_of(x, key, mode) for b in member_ids_of(y, key, mode)]
