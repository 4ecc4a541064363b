"""The earlier messages of a Slack thread Advisor is called into: fetched, filtered and capped.

`conversations.replies` is read page by page (each call with a short timeout, the
whole read within a time budget). Only people's messages count: bots' messages and
Advisor's own are dropped, as are edits, joins and other notices. A thread longer
than the caps is read by its most recent messages. Rate limits are not waited out:
a refused later page keeps what was read. When Slack refuses the first page (a
missing scope, Advisor not in the channel) the turn goes on as before, with one
line saying so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.messages import ConversationKey, Inbound, Said, ThreadContext
from bot.slack.adapter import SlackAdapter
from bot.slack.inbound import Destination, Turn, is_user_message, strip_mentions, team_of
from bot.slack.people import quick
from bot.slack.refs import ConversationRef

log = logging.getLogger(__name__)

SHORTCUT = "advisor_thread"  # the message shortcut "Decide with Advisor" (manifest.json)

PAGE_SIZE = 200  # messages per conversations.replies call (Slack's recommended maximum)
MAX_PAGES = 10  # calls per thread
MAX_MESSAGES = 100  # the most recent messages kept
MAX_CHARS = 20_000  # ... and at most this much of their text, newest first
MAX_MESSAGE_CHARS = 4_000  # one very long message does not crowd out the rest
CALL_TIMEOUT_S = 5.0  # one Web API call
BUDGET_S = 12.0  # all pages together

NO_SCOPE = (
    "_I couldn't read the earlier messages of this thread: the app lacks permission to read "
    "channel history (an admin can reinstall it from the manifest). So I'll ask instead._"
)
NOT_IN_CHANNEL = (
    "_I couldn't read the earlier messages of this thread because I'm not a member of this "
    "channel (`/invite @Advisor` fixes that). So I'll ask instead._"
)
NOT_A_MEMBER = (
    "I can't read or answer in this channel because I'm not a member of it: "
    "`/invite @Advisor`, then try again."
)
UNREADABLE = "_I couldn't read the earlier messages of this thread just now, so I'll ask instead._"
_NOTES = {
    "missing_scope": NO_SCOPE,
    "not_in_channel": NOT_IN_CHANNEL,
    "channel_not_found": NOT_IN_CHANNEL,
}


class Read(Enum):
    """How far a thread was read."""

    whole = "whole"
    capped = "capped"  # more pages than the caps allow
    cut_short = "cut_short"  # Slack refused a later page (rate limited, timed out)


def with_thread(
    turn: Turn, client: WebClient, event: dict[str, Any], bot_user_id: str | None
) -> Turn:
    """The turn with the earlier messages of the thread its event was written in.

    A message at a channel's root starts its thread: there is nothing earlier to read.
    """
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if not thread_ts or thread_ts == ts:
        return turn
    context = read_thread(client, turn.dest.channel, str(thread_ts), ts, bot_user_id)
    update: dict[str, Any] = {"thread": context}
    if context.messages and not strip_mentions(event.get("text") or "", bot_user_id):
        update["text"] = ""  # a bare @Advisor under a discussion: "look at this", not "help"
    return Turn(turn.inbound.model_copy(update=update), turn.dest)


def shared_turn(body: dict[str, Any]) -> Turn:
    """The "Decide with Advisor" shortcut on a message: a turn in that message's thread."""
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or "")
    thread = str(message.get("thread_ts") or message.get("ts") or body.get("message_ts") or "")
    user = str((body.get("user") or {}).get("id") or "unknown")
    key = ConversationKey(workspace=team_of(body), channel=channel, thread=thread, user=user)
    return Turn(Inbound(key=key), Destination(channel=channel, thread_ts=thread or None))


def share_thread(adapter: SlackAdapter, body: dict[str, Any], bot_user_id: str | None) -> None:
    """A thread shared to Advisor: read whole (once), then answered in the thread.

    Where Advisor cannot read, it cannot post either: the person alone is told why.
    """
    turn = shared_turn(body)
    if not turn.dest.channel or not turn.dest.thread_ts:
        return
    conv = ConversationRef.of(turn.inbound.key)
    if not adapter.in_thread(conv, bot_user_id):
        context = read_thread(
            adapter.client, turn.dest.channel, turn.dest.thread_ts, None, bot_user_id
        )
        if context.unreadable == NOT_IN_CHANNEL:
            private = Destination(
                channel=turn.dest.channel,
                user=turn.inbound.key.user,
                response_url=body.get("response_url"),
            )
            adapter.tell(private, NOT_A_MEMBER)
            return
        turn = Turn(turn.inbound.model_copy(update={"thread": context}), turn.dest)
    else:
        turn = Turn(turn.inbound.model_copy(update={"thread": ThreadContext()}), turn.dest)
    adapter.mark_thread(conv)
    adapter.converse(turn)


def read_thread(
    client: WebClient,
    channel: str,
    thread_ts: str,
    before_ts: str | None,
    bot_user_id: str | None,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> ThreadContext:
    """People's messages in the thread before `before_ts`, oldest first; never raises."""
    try:
        raw, read = _fetch(client, channel, thread_ts, clock)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        log.warning("could not read thread %s/%s: %s", channel, thread_ts, error)
        return ThreadContext(unreadable=_NOTES.get(error, UNREADABLE))
    except Exception as exc:  # a timeout or a broken connection: the turn goes on
        log.warning("could not read thread %s/%s: %s", channel, thread_ts, exc)
        return ThreadContext(unreadable=UNREADABLE)
    said = [
        _said(m)
        for m in raw
        if _by_a_person(m, bot_user_id)
        and _before(m, before_ts)
        and str(m.get("text") or "").strip()
    ]
    kept = _most_recent(said)
    return ThreadContext(
        messages=kept,
        partial=read is Read.capped or len(kept) < len(said),
        cut_short=read is Read.cut_short,
    )


def _fetch(
    client: WebClient, channel: str, thread_ts: str, clock: Callable[[], float]
) -> tuple[list[dict[str, Any]], Read]:
    """The thread's pages within the caps, and how far it was read.

    A refusal on the first page raises; on a later one, what was read is kept.
    """
    reader = _quick(client)
    deadline = clock() + BUDGET_S
    messages: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {"channel": channel, "ts": thread_ts, "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        try:
            page = reader.conversations_replies(**params)
        except Exception as exc:
            if not messages:
                raise
            log.info(
                "thread %s/%s: reading stopped after %d: %s", channel, thread_ts, len(messages), exc
            )
            return messages, Read.cut_short
        messages += [m for m in page.get("messages") or [] if isinstance(m, dict)]
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return messages, Read.whole
        if clock() >= deadline:
            break
    log.info("thread %s/%s read in part (%d messages)", channel, thread_ts, len(messages))
    return messages, Read.capped


def _quick(client: WebClient) -> WebClient:
    """The client with a short timeout and no waiting out rate limits: the person is waiting."""
    return quick(client, CALL_TIMEOUT_S)


def _by_a_person(message: dict[str, Any], bot_user_id: str | None) -> bool:
    """A person's own message: no bot's (Advisor's included), no edit or join notice."""
    return is_user_message(message) and message.get("user") != bot_user_id


def _before(message: dict[str, Any], before_ts: str | None) -> bool:
    """Written before the message that called Advisor (Slack's ts are exact decimals)."""
    if before_ts is None:
        return True
    try:
        return Decimal(str(message.get("ts") or 0)) < Decimal(before_ts)
    except InvalidOperation:
        return False


def _said(message: dict[str, Any]) -> Said:
    """The author as a mention: the user id the decision record keeps. Advisor's replies
    show people's names instead (bot.slack.people), so that a summary pings no one."""
    text = str(message.get("text") or "")[:MAX_MESSAGE_CHARS]
    return Said(author=f"<@{message['user']}>", text=text)


def _most_recent(said: list[Said]) -> list[Said]:
    """The newest messages within the caps, oldest first."""
    kept: list[Said] = []
    chars = 0
    for message in reversed(said[-MAX_MESSAGES:]):
        chars += len(message.text)
        if kept and chars > MAX_CHARS:
            break
        kept.append(message)
    return kept[::-1]
