"""Paraphrase members' free text with OpenAI structured outputs (used when OPENAI_API_KEY is set).

Only allowlisted, already-redacted fields go out (MemberText); answers are parsed into the aligned
ParaphrasedText. A record that comes back refused, truncated, filtered or malformed is not dropped:
the caller paraphrases it offline and it is counted here.
"""

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from vc_pipeline.llm.structured import LlmReport, LlmSettings, ResponseCache, ask_in_batches

__all__ = ["LlmReport", "LlmSettings", "MemberText", "ParaphrasedText", "ResponseCache", "paraphrase_with_llm"]

PROMPT = (
    "You rewrite the sign-up answers of members of a professional community so they read naturally "
    "but identify no one. For every member keep the meaning: the skills, topics, seniority and what "
    "they want in a buddy. Reword every sentence; never copy a sentence. Do not add names, companies, "
    "places, emails, handles or links. Keep blank fields blank. Return every member with its ref."
)


class MemberText(BaseModel):
    """What goes out for one member: the allowlisted free-text form fields, redacted."""

    model_config = ConfigDict(extra="forbid")
    ref: str = Field(description="batch-local reference, e.g. m3")
    summary: str = Field(description="Tweet-sized summary of yourself")
    skills: str = Field(description="What are your skills? In which fields do you specialize?")
    buddy_preferences: str = Field(description="Describe what you want your buddy to be like.")


class ParaphrasedText(BaseModel):
    """What comes back for one member, field by field aligned with MemberText."""

    model_config = ConfigDict(extra="forbid")
    ref: str
    summary: str
    skills: str
    buddy_preferences: str


class ParaphrasedBatch(BaseModel):
    """The structured answer to one request."""

    model_config = ConfigDict(extra="forbid")
    members: list[ParaphrasedText]


def paraphrase_with_llm(texts: list[MemberText], settings: LlmSettings, cache: ResponseCache,
                        client_factory: Callable | None = None) -> tuple[dict[str, ParaphrasedText], LlmReport]:
    """Paraphrase `texts` in batches; returns the paraphrases by ref (records that failed are absent,
    counted in the report's fallbacks by reason) and the report."""
    return ask_in_batches(texts, prompt=PROMPT, schema=ParaphrasedBatch, answers_field="members",
                          settings=settings, cache=cache, client_factory=client_factory)
