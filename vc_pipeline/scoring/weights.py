"""The weights of the pair score, in the organizers' order of priority, in one place."""

from pydantic import BaseModel, Field


class ScoreWeights(BaseModel):
    """Weights of the pair score components. Defaults follow the organizers' priority:
    preferences > skills > role > experience > location; a met stated preference adds a boost."""

    preference: float = Field(0.35, ge=0, description="A's wish against B's profile, both directions")
    skills: float = Field(0.25, ge=0, description="similarity of the two profiles (summary + skills)")
    role: float = Field(0.18, ge=0, description="affinity of the two roles")
    experience: float = Field(0.12, ge=0, description="closeness of career stages")
    location: float = Field(0.10, ge=0, description="closeness of time zones")
    preference_met: float = Field(0.15, ge=0, description="boost per stated preference the pair meets")
    wish_threshold: float = Field(
        0.38, ge=0, le=1,
        description="wish-to-profile cosine at which a free-text wish counts as met; best F1 on a labelled set "
                    "built from the sample vocabulary (python -m vc_pipeline.scoring.wish_calibration)",
    )
