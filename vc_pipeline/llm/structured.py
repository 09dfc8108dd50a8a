"""Batched OpenAI structured outputs with a response cache and per-record fallbacks.

A caller sends records (Pydantic models with a `ref`) under a system prompt and gets back the
answers by ref, parsed into its own strict Pydantic schema. A record whose batch comes back
refused, truncated, filtered or malformed, or whose answer the caller's `accept` rejects, is
absent from the answers and counted by reason: the caller writes it offline. Answers are cached by
(model, SHA-256 of the messages), so a re-run with the same inputs makes no request.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel


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
    """Counts for an asset's metadata: requests, cache hits, tokens, answers, fallbacks by reason."""

    requests: int = 0
    cached_batches: int = 0
    answered: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    fallbacks: Counter = field(default_factory=Counter)

    def as_metadata(self, answered_label: str = "llm_paraphrased") -> dict:
        return {"llm_requests": self.requests, "llm_cached_batches": self.cached_batches,
                answered_label: self.answered, "llm_prompt_tokens": self.prompt_tokens,
                "llm_completion_tokens": self.completion_tokens, "llm_fallbacks": sum(self.fallbacks.values()),
                **{f"llm_fallbacks_{reason}": n for reason, n in sorted(self.fallbacks.items())}}


class ResponseCache:
    """Where answers are kept by (model, prompt hash); re-materializing a round makes no new call."""

    def get(self, model: str, prompt_sha256: str) -> str | None: ...

    def put(self, model: str, prompt_sha256: str, response: str) -> None: ...


def _messages(prompt: str, batch: list[BaseModel]) -> list[dict]:
    payload = json.dumps([record.model_dump() for record in batch], ensure_ascii=False)
    return [{"role": "system", "content": prompt}, {"role": "user", "content": payload}]


def _ask(client, settings: LlmSettings, messages: list[dict], schema: type[BaseModel],
         report: LlmReport) -> tuple[BaseModel | None, str]:
    """One request; returns the parsed batch, or None and the reason it failed."""
    import openai
    import pydantic

    report.requests += 1
    try:
        completion = client.chat.completions.parse(model=settings.model, messages=messages, response_format=schema)
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


def ask_in_batches(records: list[BaseModel], *, prompt: str, schema: type[BaseModel], answers_field: str,
                   settings: LlmSettings, cache: ResponseCache, client_factory: Callable | None = None,
                   accept: Callable[[BaseModel, BaseModel], bool] | None = None) -> tuple[dict, LlmReport]:
    """Send `records` (each with a `ref`) in batches of `settings.batch_size`; `schema` is the
    structured answer of one request, its list `answers_field` holding one answer (with `ref`) per
    record. `accept(record, answer)` may reject an answer (counted as `rejected`). Returns the
    accepted answers by ref and the report; a record without one is counted in its fallbacks."""
    import openai

    client = (client_factory or openai.OpenAI)(api_key=settings.api_key, base_url=settings.base_url,
                                               timeout=settings.timeout_seconds, max_retries=settings.max_retries)
    report, results = LlmReport(), {}
    for start in range(0, len(records), settings.batch_size):
        batch = records[start:start + settings.batch_size]
        messages = _messages(prompt, batch)
        key = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()
        cached = cache.get(settings.model, key)
        if cached is not None:
            parsed, reason = schema.model_validate_json(cached), ""
            report.cached_batches += 1
        else:
            parsed, reason = _ask(client, settings, messages, schema, report)
            if parsed is not None:
                cache.put(settings.model, key, parsed.model_dump_json())
        answers = {answer.ref: answer for answer in getattr(parsed, answers_field)} if parsed else {}
        for record in batch:
            answer = answers.get(record.ref)
            if answer is None:
                report.fallbacks[reason or "schema_mismatch"] += 1
            elif accept is not None and not accept(record, answer):
                report.fallbacks["rejected"] += 1
            else:
                results[record.ref] = answer
                report.answered += 1
    return results, report
