"""The Slack Web API client (the official slack_sdk WebClient) with rate limits waited out and counted."""

import time

SLACK_API_URL = "https://slack.com/api/"


def rate_limit_handler(max_retry_count: int):
    """slack_sdk's RateLimitErrorRetryHandler (sleeps for each 429's Retry-After, then retries),
    counting how often and how long it waited (`waits`, `waited_seconds`)."""
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    class CountingRateLimitHandler(RateLimitErrorRetryHandler):
        waits, waited_seconds = 0, 0.0

        def prepare_for_next_attempt(self, **kwargs) -> None:
            started = time.monotonic()
            super().prepare_for_next_attempt(**kwargs)
            self.waits += 1
            self.waited_seconds += time.monotonic() - started

    return CountingRateLimitHandler(max_retry_count=max_retry_count)


def web_client(token: str, api_url: str = SLACK_API_URL, max_rate_limit_retries: int = 10):
    """A WebClient for `token` on `api_url`, retrying 429s (honouring Retry-After) and dropped
    connections; returns (client, rate-limit handler)."""
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

    limits = rate_limit_handler(max_rate_limit_retries)
    client = WebClient(token=token, base_url=api_url, timeout=30,
                       retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), limits])
    return client, limits
