"""Slack payloads into conversation turns: an `Inbound` for the core and where to reply.

Pure functions over Slack's JSON; nothing here calls Slack or the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.core.messages import ConversationKey, Inbound
from bot.slack.refs import COMMAND_THREAD_PREFIX, ButtonValue

_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
# a user's own message, with or without files, or a thread reply also sent to the channel
HANDLED_SUBTYPES = (None, "file_share", "thread_broadcast")


@dataclass(frozen=True)
class Destination:
    """Where replies are posted. With `user` or `response_url` set, only that person sees them."""

    channel: str
    thread_ts: str | None = None
    user: str | None = None
    response_url: str | None = None

    @property
    def ephemeral(self) -> bool:
        return self.user is not None or self.response_url is not None


@dataclass(frozen=True)
class Turn:
    """One thing a person did, for the core, and where the answer goes."""

    inbound: Inbound
    dest: Destination


def team_of(body: dict[str, Any]) -> str:
    """The workspace id of any payload shape (events, commands, interactions)."""
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    event = body.get("event") or {}
    return str(body.get("team_id") or event.get("team") or team or "unknown")


def is_user_message(event: dict[str, Any]) -> bool:
    """A message a person wrote: not a bot's, not an edit, deletion or join notice."""
    return (
        event.get("subtype") in HANDLED_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
        and isinstance(event.get("text", ""), str)
    )


def mentions(event: dict[str, Any], user_id: str | None) -> bool:
    """True when the message @mentions the given user (Advisor's bot user)."""
    return bool(user_id) and any(m == user_id for m in _MENTION.findall(event.get("text") or ""))


def strip_mentions(text: str, bot_user_id: str | None) -> str:
    """The text without @Advisor mentions, whitespace tidied."""
    cleaned = _MENTION.sub(
        lambda m: "" if m.group(1) == bot_user_id or not bot_user_id else m.group(0), text
    )
    return " ".join(cleaned.split())


def mention_turn(event: dict[str, Any], team: str, bot_user_id: str | None) -> Turn:
    """An @mention: answered in its thread (a new thread under it when at the channel root)."""
    thread = str(event.get("thread_ts") or event["ts"])
    key = ConversationKey(
        workspace=team, channel=event["channel"], thread=thread, user=event["user"]
    )
    text = strip_mentions(event.get("text") or "", bot_user_id) or "help"
    return Turn(
        Inbound(key=key, text=text), Destination(channel=event["channel"], thread_ts=thread)
    )


def thread_turn(event: dict[str, Any], team: str) -> Turn:
    """A follow-up in a thread (channel thread or assistant DM thread)."""
    thread = str(event["thread_ts"])
    key = ConversationKey(
        workspace=team, channel=event["channel"], thread=thread, user=event["user"]
    )
    inbound = Inbound(key=key, text=event.get("text") or "")
    return Turn(inbound, Destination(channel=event["channel"], thread_ts=thread))


def dm_turn(event: dict[str, Any], team: str) -> Turn:
    """A message at the root of a DM: the whole DM is one conversation, replies at the root."""
    key = ConversationKey(workspace=team, channel=event["channel"], thread="", user=event["user"])
    return Turn(
        Inbound(key=key, text=event.get("text") or ""), Destination(channel=event["channel"])
    )


def command_key(command: dict[str, Any]) -> ConversationKey:
    """Slash-command conversations: one per person and channel, private to them."""
    user = str(command.get("user_id") or "unknown")
    return ConversationKey(
        workspace=team_of(command),
        channel=str(command.get("channel_id") or "unknown"),
        thread=f"{COMMAND_THREAD_PREFIX}{user}",
        user=user,
    )


def command_turn(command: dict[str, Any]) -> Turn:
    """`/advisor <text>`: replied to privately through the command's response_url."""
    key = command_key(command)
    dest = Destination(channel=key.channel, user=key.user, response_url=command.get("response_url"))
    return Turn(Inbound(key=key, text=str(command.get("text") or "").strip()), dest)


def action_dest(body: dict[str, Any], value: ButtonValue) -> Destination:
    """Where a button's reply goes: privately when it sat on a private message, else its thread."""
    container = body.get("container") or {}
    channel = str(
        container.get("channel_id") or (body.get("channel") or {}).get("id") or value.conv.c
    )
    user = str((body.get("user") or {}).get("id") or "")
    if container.get("is_ephemeral"):
        return Destination(
            channel=channel, user=user or None, response_url=body.get("response_url")
        )
    return Destination(channel=channel, thread_ts=value.conv.reply_thread)


def message_ref(body: dict[str, Any]) -> str:
    """channel:ts of the message a button sat on, for feedback records."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or "-"
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts") or "-"
    return f"{channel}:{ts}"
