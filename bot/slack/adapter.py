"""The Slack adapter's work, after the ack: run a turn through the core and post the replies.

Knows the core, the store and the poster; knows nothing about Bolt or HTTP.
Every failure ends in a short message to the person, never in silence.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient

from bot.core.messages import Inbound, Reply, ReplyKind
from bot.core.ports import ConversationCore, KnowledgeUnavailable
from bot.llm.sink import streaming_to
from bot.slack.blocks import RenderContext, SlackMessage, notice, render_replies
from bot.slack.inbound import Destination, Turn
from bot.slack.people import People, mentioned, unmention
from bot.slack.poster import Poster
from bot.slack.records import ThreadRecords
from bot.slack.refs import ConversationRef
from bot.slack.stream import AnswerStream
from bot.store.base import Store

log = logging.getLogger(__name__)

FAILURE_TEXT = (
    "Sorry, something went wrong on my side and I could not finish that. "
    "Nothing you told me is lost; please try again in a moment."
)
KNOWLEDGE_DOWN_TEXT = (
    "The knowledge base is unavailable right now, so I can't answer questions. "
    "Decisions still work: try `/advisor decide` or tell me about your feature."
)
SHARE_PREFIX = "share:"
THREAD_PREFIX = "thread-active:"
TITLED_PREFIX = "assistant-titled:"


class SlackAdapter:
    """Runs turns through the core and posts what comes back."""

    def __init__(self, core: ConversationCore, store: Store, poster: Poster) -> None:
        self.core = core
        self.store = store
        self.poster = poster
        self.people = People(poster.client)  # names for "said by", cached for the process
        self.records = ThreadRecords(store, poster, core, people=self.people)  # in threads

    @property
    def client(self) -> WebClient:
        return self.poster.client

    def converse(self, turn: Turn) -> list[Reply]:
        """One turn: the core's replies posted to the turn's destination. Never raises."""
        try:
            record = self.records.before_turn(turn)  # a thread's record; never raises
            stream = AnswerStream.open(self.client, turn)  # an LLM answer shows as it is written
            with streaming_to(stream.append if stream else None):
                replies = self._replies(turn.inbound)
            sources = self.records.note_turn(turn)  # before anyone can answer this turn
            self._post_replies(turn, replies, stream)
            self.records.after_turn(turn, replies, record, sources)
            return replies
        except Exception:
            log.exception("turn failed in %s", turn.inbound.key.id)
            self.tell(turn.dest, FAILURE_TEXT)
            return []

    def _replies(self, inbound: Inbound) -> list[Reply]:
        # The core serializes a conversation's turns and records recommendations itself.
        try:
            return self.core.handle(inbound)
        except KnowledgeUnavailable:
            log.warning("knowledge base unavailable for %s", inbound.key.id)
            return [Reply(kind=ReplyKind.error, text=KNOWLEDGE_DOWN_TEXT)]

    def _post_replies(
        self, turn: Turn, replies: Sequence[Reply], stream: AnswerStream | None = None
    ) -> None:
        share_id = uuid.uuid4().hex if turn.dest.ephemeral else None
        ctx = RenderContext(conv=ConversationRef.of(turn.inbound.key), share_id=share_id)
        messages = render_replies(self._named(replies), ctx)
        if share_id:
            self._keep_for_sharing(share_id, turn, messages)
        if stream is not None:  # the streamed preview becomes the first message
            messages = stream.finish(messages)
        self.poster.send(turn.dest, messages)

    def _named(self, replies: Sequence[Reply]) -> list[Reply]:
        """The replies with people's names for their mentions ("62% (Ana)", from a thread's
        facts): a mention in Advisor's message would notify each person it credits. An id
        Slack cannot name just now stays a mention."""
        ids = [user for reply in replies for user in mentioned(reply.text)]
        if not ids:
            return list(replies)
        names = self.people.names(ids)
        return [
            reply.model_copy(update={"text": unmention(reply.text, names)}) for reply in replies
        ]

    def _keep_for_sharing(self, share_id: str, turn: Turn, messages: list[SlackMessage]) -> None:
        state = {
            "channel": turn.dest.channel,
            "user": turn.inbound.key.user,
            "messages": [{"text": m.text, "blocks": m.blocks} for m in messages],
        }
        self.store.save_state(SHARE_PREFIX + share_id, state)

    def tell(self, dest: Destination, text: str) -> None:
        """A short message to the person; logged, not raised, when Slack cannot take it."""
        try:
            self.poster.post(dest, notice(text))
        except Exception:
            log.exception("could not tell the user in %s", dest.channel)

    # --- threads Advisor takes part in -------------------------------------------------

    # With the store down these must not stop the turn: the core then tells the person.

    def mark_thread(self, conv: ConversationRef) -> None:
        """Remember that Advisor is in this thread, so follow-ups need no mention."""
        try:
            self.store.save_state(_thread_key(conv), {"since": datetime.now(UTC).isoformat()})
        except Exception:
            log.warning("could not remember thread %s/%s", conv.c, conv.t, exc_info=True)

    def in_thread(self, conv: ConversationRef, bot_user_id: str | None = None) -> bool:
        """True in a thread Advisor takes part in.

        When the store cannot say, Slack is asked whether Advisor has posted in the
        thread: a follow-up in Advisor's own thread then still gets an answer (or a
        "try again"), while other people's threads are left alone.
        """
        try:
            return self.store.load_state(_thread_key(conv)) is not None
        except Exception:
            log.warning("could not look up thread %s/%s", conv.c, conv.t, exc_info=True)
            return self._posted_in(conv, bot_user_id)

    def _posted_in(self, conv: ConversationRef, bot_user_id: str | None) -> bool:
        if not bot_user_id or not conv.t:
            return False
        try:
            response = self.client.conversations_replies(channel=conv.c, ts=conv.t, limit=200)
        except Exception:
            log.warning("could not read thread %s/%s from Slack", conv.c, conv.t, exc_info=True)
            return False
        messages = response.get("messages") or []
        return any(isinstance(m, dict) and m.get("user") == bot_user_id for m in messages)

    def first_in_assistant_thread(self, conv: ConversationRef) -> bool:
        """True once per assistant thread: the first message sets the thread's title."""
        key = TITLED_PREFIX + _thread_key(conv).removeprefix(THREAD_PREFIX)
        try:
            if self.store.load_state(key) is not None:
                return False
            self.store.save_state(key, {"at": datetime.now(UTC).isoformat()})
        except Exception:
            log.warning("could not look up the title of %s/%s", conv.c, conv.t, exc_info=True)
            return False
        return True

    def shared_reply(self, share_id: str) -> dict[str, Any] | None:
        return self.store.load_state(SHARE_PREFIX + share_id)

    def take_shared(self, share_id: str) -> dict[str, Any] | None:
        """The stored private reply, removed: a second click finds nothing to share."""
        key = SHARE_PREFIX + share_id
        take = getattr(self.store, "take_state", None)
        if callable(take):
            found: dict[str, Any] | None = take(key)
            return found
        found = self.store.load_state(key)  # a store without atomic take (test fakes)
        self.store.delete_state(key)
        return found

    def update_shared(self, share_id: str, reply: dict[str, Any]) -> None:
        self.store.save_state(SHARE_PREFIX + share_id, reply)

    def forget_shared(self, share_id: str) -> None:
        self.store.delete_state(SHARE_PREFIX + share_id)


def _thread_key(conv: ConversationRef) -> str:
    return f"{THREAD_PREFIX}{conv.w}:{conv.c}:{conv.t}"
