"""Talking to Slack: the Web API client (with retries) and posting messages where they belong."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    RetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import Jitter
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from bot.settings import Settings
from bot.slack.blocks import SlackMessage
from bot.slack.inbound import Destination

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
API_TIMEOUT_S = 10


class TransientServerErrorRetryHandler(RetryHandler):
    """Retries the Web API's transient server errors: 500, 502, 503 and 504."""

    STATUSES = frozenset({500, 502, 503, 504})

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in self.STATUSES


class ProportionalJitter(Jitter):
    """Adds up to the interval again at random (the SDK's default adds up to a whole second)."""

    def recalculate(self, duration: float) -> float:
        return duration * (1 + random.random())


def retry_handlers(backoff_s: float = 0.5) -> list[RetryHandler]:
    """429 (honouring Retry-After), connection errors and 5xx are retried, a few times each."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=backoff_s, jitter=ProportionalJitter())
    return [
        # The attempt count is shared by the handlers: 4 allows e.g. one 429 then three 5xx.
        RateLimitErrorRetryHandler(max_retry_count=4),
        ConnectionErrorRetryHandler(max_retry_count=4, interval_calculator=backoff),
        TransientServerErrorRetryHandler(max_retry_count=4, interval_calculator=backoff),
    ]


def api_url(settings: Settings) -> str:
    """The Web API base URL (SLACK_API_URL for Enterprise/sovereign hosts or tests), ending in /."""
    url = settings.slack_api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def build_client(settings: Settings, backoff_s: float = 0.5) -> WebClient:
    """The bot's Web API client: its token, base URL and retry handlers."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=api_url(settings),
        timeout=API_TIMEOUT_S,
        retry_handlers=retry_handlers(backoff_s),
    )


class DeliveryError(RuntimeError):
    """Slack did not accept a message."""


class Poster:
    """Posts rendered messages to a destination: a thread, a channel, or privately to one person."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def send(self, dest: Destination, messages: Sequence[SlackMessage]) -> list[str]:
        """Post each message in order; returns the timestamps Slack gave them (when it does)."""
        return [ts for message in messages if (ts := self.post(dest, message))]

    def post(self, dest: Destination, message: SlackMessage) -> str | None:
        payload: dict[str, Any] = {"text": message.text}
        if message.blocks:
            payload["blocks"] = message.blocks
        if dest.response_url:
            try:
                self.respond(dest.response_url, {"response_type": "ephemeral", **payload})
                return None
            except DeliveryError:
                if not dest.user:
                    raise
                log.info("response_url refused a reply (expired?); posting it privately instead")
        if dest.user:
            self.client.chat_postEphemeral(
                channel=dest.channel, user=dest.user, thread_ts=dest.thread_ts, **payload
            )
            return None
        response = self.client.chat_postMessage(
            channel=dest.channel, thread_ts=dest.thread_ts, unfurl_links=False, **payload
        )
        return str(response.get("ts") or "") or None

    def respond(self, response_url: str, body: dict[str, Any]) -> None:
        """Send to an interaction's response_url (private replies, deleting the original)."""
        hook = WebhookClient(
            response_url,
            timeout=API_TIMEOUT_S,
            retry_handlers=self.client.retry_handlers,
        )
        message = body if "delete_original" in body else {"replace_original": False, **body}
        result = hook.send_dict(message)
        if result.status_code != 200:
            raise DeliveryError(f"response_url answered {result.status_code}: {result.body[:200]}")
