"""Streamed answers: the LLM's text appears in the thread as it is written.

Slack's streaming messages (chat.startStream / appendStream / stopStream, through
slack_sdk's `chat_stream` helper) need a thread and a message everyone can see, so
ephemeral replies and channel roots are posted the plain way. The stream is only a
preview: when the turn ends, the streamed message is stopped and replaced in place
(chat.update) by the turn's rendered reply, which is the grounded answer with its
citations, or the extractive answer when the model's text failed the grounding check.
Any Slack error while streaming (unknown_method, not_allowed, a rate limit) ends the
preview quietly; the reply is then posted as a normal message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from slack_sdk import WebClient

from bot.slack.blocks import SlackMessage
from bot.slack.inbound import Turn

log = logging.getLogger(__name__)

# Characters gathered before a call to Slack: the first words show at once, and a
# 90-word answer takes a handful of appendStream calls, well inside its rate limit.
BUFFER_CHARS = 40


class AnswerStream:
    """One turn's streamed preview in its thread; `append` is the turn's answer sink."""

    def __init__(self, client: WebClient, turn: Turn, buffer_chars: int = BUFFER_CHARS) -> None:
        self._client = client
        self._channel = turn.dest.channel
        self._stream = client.chat_stream(
            channel=turn.dest.channel,
            thread_ts=str(turn.dest.thread_ts),
            recipient_team_id=turn.inbound.key.workspace,
            recipient_user_id=turn.inbound.key.user,
            buffer_size=buffer_chars,
        )
        self._lock = threading.Lock()
        self._open = True

    @classmethod
    def open(cls, client: WebClient, turn: Turn) -> AnswerStream | None:
        """A stream for the turn, or None where Slack cannot stream (no thread, ephemeral)."""
        if turn.dest.ephemeral or not turn.dest.thread_ts or not hasattr(client, "chat_stream"):
            return None  # (chat_stream is in recent slack_sdk versions only)
        return cls(client, turn)

    def append(self, text: str) -> None:
        """Show more of the answer; never raises (a failed stream just stops showing)."""
        with self._lock:
            if not self._open:
                return  # the turn has ended (a model that outlived its timeout)
            try:
                self._stream.append(markdown_text=text)
            except Exception as exc:
                log.info("streaming unavailable in %s (%s); posting at the end", self._channel, exc)
                self._open = False

    def finish(self, messages: Sequence[SlackMessage]) -> list[SlackMessage]:
        """End the preview; the messages still to post (the first replaces the preview)."""
        with self._lock:
            self._open = False
            ts = self._stream.ts
            if ts is None:
                return list(messages)  # nothing reached Slack: post the plain way
            self._stop()
        if not messages:
            return []
        first, *rest = messages
        try:
            self._client.chat_update(
                channel=self._channel, ts=ts, text=first.text, blocks=first.blocks
            )
        except Exception:
            log.warning("could not replace the streamed answer in %s", self._channel, exc_info=True)
            return list(messages)
        return rest

    def _stop(self) -> None:
        try:
            self._stream.stop()
        except Exception as exc:  # already stopped or expired: chat.update still replaces it
            log.info("could not stop the stream in %s: %s", self._channel, exc)
