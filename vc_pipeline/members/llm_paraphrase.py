"""Paraphrase members' free text with OpenAI structured outputs (used when OPENAI_API_KEY is set).

Only allowlisted, already-redacted fields go out (MemberText); answers are parsed into the aligned
ParaphrasedText. A record that comes back refused, truncated, filtered or malformed is not dropped:
the caller paraphrases it offline and it is counted here.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

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


@dataclass
class LlmSettings:
    """How to call the model: key, model name, endpoint (None = OpenAI's), limits."""

    api_key: str
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    timeout_seconds: float = 60.0
    max_retries: int = 3
    batch_size: int = 10


@dataclass
class LlmReport:
    """Counts for the asset's metadata: requests, cache hits, tokens, fallbacks by reason."""

    requests: int = 0
    cached_batches: int = 0
    paraphrased: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    fallbacks: Counter = field(default_factory=Counter)

    def as_metadata(self) -> dict:
        return {"llm_requests": self.requests, "llm_cached_batches": self.cached_batches,
                "llm_paraphrased": self.paraphrased, "llm_prompt_tokens": self.prompt_tokens,
                "llm_completion_tokens": self.completion_tokens, "llm_fallbacks": sum(self.fallbacks.values()),
                **{f"llm_fallbacks_{reason}": n for reason, n in sorted(self.fallbacks.items())}}


class ResponseCache:
    """Where answers are kept by (model, prompt hash); re-materializing a round makes no new call."""

    def get(self, model: str, prompt_sha256: str) -> str | None: ...

    def put(self, model: str, prompt_sha256: str, response: str) -> None: ...


def _messages(batch: list[MemberText]) -> list[dict]:
    payload = json.dumps([m.model_dump() for m in batch], ensure_ascii=False)
    return [{"role": "system", "content": PROMPT}, {"role": "user", "content": payload}]


def _ask(client, settings: LlmSettings, messages: list[dict], report: LlmReport) -> tuple[ParaphrasedBatch | None, str]:
    """One request; returns the parsed batch, or None and the reason it failed."""
    import openai
    import pydantic

    report.requests += 1
    try:
        completion = client.chat.completions.parse(model=settings.model, messages=messages,
                                                   response_format=ParaphrasedBatch)
    except openai.LengthFinishReasonError:
        return None, "truncated"
    except openai.ContentFilterFinishReasonError:
        return None, "content_filter"
    except (pydantic.ValidationError, json.JSONDecodeError, ValueError):
        return None, "schema_mismatch"
    except openai.APIError:
        return None, "api_error"
    if completion.usage:
        report.prompt_tokens += completion.usage.prompt_tokens
        report.completion_tokens += completion.usage.completion_tokens
    message = completion.choices[0].message
    if message.refusal:
        return None, "refusal"
    return message.parsed, "" if message.parsed is not None else "schema_mismatch"


def paraphrase_with_llm(texts: list[MemberText], settings: LlmSettings, cache: ResponseCache,
                        client_factory: Callable | None = None) -> tuple[dict[str, ParaphrasedText], LlmReport]:
    """Paraphrase `texts` in batches; returns the paraphrases by ref (records that failed are absent,
    counted in the report's fallbacks by reason) and the report."""
    import openai

    client = (client_factory or openai.OpenAI)(api_key=settings.api_key, base_url=settings.base_url,
                                               timeout=settings.timeout_seconds, max_retries=settings.max_retries)
    report, results = LlmReport(), {}
    for start in range(0, len(texts), settings.batch_size):
        batch = texts[start:start + settings.batch_size]
        messages = _messages(batch)
        key = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()
        cached = cache.get(settings.model, key)
        if cached is not None:
            parsed, reason = ParaphrasedBatch.model_validate_json(cached), ""
            report.cached_batches += 1
        else:
            parsed, reason = _ask(client, settings, messages, report)
            if parsed is not None:
                cache.put(settings.model, key, parsed.model_dump_json())
        answers = {m.ref: m for m in parsed.members} if parsed else {}
        for member in batch:
            answer = answers.get(member.ref)
            if answer is None:
                report.fallbacks[reason or "schema_mismatch"] += 1
            else:
                results[member.ref] = answer
                report.paraphrased += 1
    return results, report
