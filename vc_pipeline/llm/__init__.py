"""OpenAI calls: batched structured outputs, cached, with per-record fallbacks."""
