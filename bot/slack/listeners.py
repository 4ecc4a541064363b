"""Bolt listeners for messages: @mentions, thread follow-ups, DMs and the AI-assistant threads.

Each is the lazy half of a listener: Bolt has already acknowledged the
request, so these may take their time. They translate and delegate.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot.slack.adapter import SlackAdapter
from bot.slack.blocks import notice
from bot.slack.inbound import (
    Destination,
    dm_turn,
    is_user_message,
    mention_turn,
    mentions,
    team_of,
    thread_turn,
)
from bot.slack.plain import plain_label
from bot.slack.refs import ConversationRef
from bot.slack.thread_reader import share_thread, with_thread

log = logging.getLogger(__name__)

GREETING = (
    "👋 Hi! I help teams decide how to improve an AI feature: a better prompt, retrieval "
    "(RAG) or fine-tuning. Ask me a question, or tell me about your feature and I'll "
    "recommend an approach."
)
SUGGESTED_PROMPTS = (
    {"title": "Should we fine-tune?", "message": "Should we fine-tune our ticket classifier?"},
    {"title": "What does fine-tuning cost?", "message": "What does fine-tuning cost?"},
    {"title": "Is 200 examples enough?", "message": "Is 200 examples enough to fine-tune?"},
    {
        "title": "RAG or fine-tuning?",
        "message": "Our bot lacks product knowledge. RAG or fine-tuning?",
    },
)
THINKING = "is thinking…"
TITLE_LIMIT = 60


def is_channel_thread_reply(body: dict[str, Any]) -> bool:
    """A person's reply inside a thread of a channel or private channel."""
    event = body.get("event") or {}
    return (
        event.get("type") == "message"
        and event.get("channel_type") in ("channel", "group")
        and is_user_message(event)
        and bool(event.get("thread_ts"))
        and event.get("thread_ts") != event.get("ts")
    )


def is_dm_root_message(body: dict[str, Any]) -> bool:
    """A person's message at the root of a DM (assistant threads are handled by `Assistant`)."""
    event = body.get("event") or {}
    return (
        event.get("type") == "message"
        and event.get("channel_type") == "im"
        and is_user_message(event)
        and not event.get("thread_ts")
    )


class MessageListeners:
    """Mentions, thread follow-ups, DMs and assistant threads."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter

    def on_mention(self, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        """@Advisor in a channel: answered in the thread, which Advisor then follows."""
        if not is_user_message(event):
            return
        turn = mention_turn(event, team_of(body), context.bot_user_id)
        conv = ConversationRef.of(turn.inbound.key)
        joining = event.get("thread_ts") and not self.adapter.in_thread(conv, context.bot_user_id)
        if joining:  # Advisor is called into a discussion: read what was said before
            turn = with_thread(turn, self.adapter.client, event, context.bot_user_id)
        self.adapter.mark_thread(conv)
        self.adapter.converse(turn)

    def on_thread_shared(self, body: dict[str, Any], context: BoltContext) -> None:
        """The "Decide with Advisor" shortcut on a message: like a mention, for its thread."""
        share_thread(self.adapter, body, context.bot_user_id)

    def on_thread_reply(
        self, event: dict[str, Any], body: dict[str, Any], context: BoltContext
    ) -> None:
        """A follow-up without a mention, in a thread Advisor is already part of."""
        if mentions(event, context.bot_user_id):
            return  # the app_mention event for the same message answers it
        turn = thread_turn(event, team_of(body))
        conv = ConversationRef.of(turn.inbound.key)
        if self.adapter.in_thread(conv, context.bot_user_id):
            self.adapter.mark_thread(conv)  # keeps an active thread from expiring
            self.adapter.converse(turn)

    def on_dm(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """A direct message outside an assistant thread."""
        self.adapter.converse(dm_turn(event, team_of(body)))

    def on_assistant_thread_started(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """A new assistant thread: a greeting and suggested prompts."""
        thread = event.get("assistant_thread") or {}
        channel, thread_ts = thread.get("channel_id"), thread.get("thread_ts")
        if not channel or not thread_ts:
            return
        self.adapter.poster.post(
            Destination(channel=channel, thread_ts=thread_ts), notice(GREETING)
        )
        self._best_effort(
            "setSuggestedPrompts",
            channel_id=channel,
            thread_ts=thread_ts,
            title="Try asking",
            prompts=list(SUGGESTED_PROMPTS),
        )

    def on_assistant_message(self, payload: dict[str, Any], body: dict[str, Any]) -> None:
        """A message in an assistant thread: status while working, a title from the first one."""
        if not is_user_message(payload):
            return
        turn = thread_turn(payload, team_of(body))
        channel, thread_ts = turn.dest.channel, turn.dest.thread_ts
        self._best_effort("setStatus", channel_id=channel, thread_ts=thread_ts, status=THINKING)
        if self.adapter.first_in_assistant_thread(ConversationRef.of(turn.inbound.key)):
            title = plain_label(turn.inbound.text, TITLE_LIMIT, fallback="Advisor")
            self._best_effort("setTitle", channel_id=channel, thread_ts=thread_ts, title=title)
        if not self.adapter.converse(turn):
            self._best_effort("setStatus", channel_id=channel, thread_ts=thread_ts, status="")

    def on_thread_context_changed(self) -> None:
        """The channel a user views changed; Advisor does not use it."""

    def _best_effort(self, method: str, **params: Any) -> None:
        """assistant.threads.* calls: cosmetic, so a failure is logged and work goes on."""
        try:
            getattr(self.adapter.client, f"assistant_threads_{method}")(**params)
        except Exception as exc:
            log.info("assistant.threads.%s failed: %s", method, exc)
