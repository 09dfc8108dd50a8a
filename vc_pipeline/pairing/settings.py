"""Settings of a round's pairing: odd rounds, hard-constraint handling, fairness levers, backups."""

from typing import Literal

from pydantic import BaseModel, Field


class PairingSettings(BaseModel):
    """How a round is paired. Every lever is on by default at a moderate strength."""

    odd: Literal["bye", "triad"] = Field("bye", description="an odd round leaves one member out, or meets in one triad")
    lookback_rounds: int | None = Field(None, ge=1, description="rounds of history whose pairs may not repeat; None = all")
    on_infeasible: Literal["relax", "fail"] = Field(
        "relax", description="when hard constraints cannot all hold: violate as few as possible, or fail the run")
    bye_rotation_rounds: int = Field(3, ge=0, description="a member with a bye in this many recent rounds gets no bye")
    popularity_damping: float = Field(
        0.15, ge=0, le=1, description="how much a member in many candidate lists has their pair scores damped")
    popularity_candidates: int = Field(10, ge=1, description="length of the candidate lists that define popularity")
    cross_stage_bonus: float = Field(0.03, ge=0, description="bonus for a pair two or more career stages apart")
    min_pair_quality: float | None = Field(
        0.35, description="pairs scoring below this are used only when nothing else works, and reported")
    worse_off_priority: bool = Field(
        True, description="a member worse off last round (bye, unmet similar-role request, weak pair, buddy who "
                          "did not show) is spared another setback while someone else can take it")
    backups_per_member: int = Field(2, ge=0, le=2, description="ranked backups per member")
    backup_cap: int = Field(3, ge=1, description="most times one member can be someone's backup")
    time_limit_seconds: float = Field(300.0, gt=0, description="solver time limit; hitting it fails the run")
