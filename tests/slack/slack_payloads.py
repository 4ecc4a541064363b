"""Slack payloads in the shapes Slack's documentation shows (see ../shared/slack-payloads/)."""

from __future__ import annotations

import itertools
from typing import Any

TEAM = "T123ABC456"
CHANNEL = "C123ABC456"
DM = "D024BE91L"
USER = "U061F7AUR"
BOT_USER = "UADVISOR"

_ids = itertools.count(1)


def _event_id() -> str:
    return f"Ev{next(_ids):08d}"


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "XXYYZZ",
        "team_id": TEAM,
        "api_app_id": "A123ABC456",
        "event": event,
        "type": "event_callback",
        "authorizations": [
            {"team_id": TEAM, "user_id": BOT_USER, "is_bot": True, "is_enterprise_install": False}
        ],
        "event_id": event_id or _event_id(),
        "event_time": 1515449522,
    }


def app_mention(text: str, ts: str, thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": USER,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": CHANNEL,
        "event_ts": ts,
        **({"thread_ts": thread_ts} if thread_ts else {}),
        **extra,
    }
    return event_callback(event)


def channel_message(
    text: str, ts: str, thread_ts: str | None = None, **extra: Any
) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel": CHANNEL,
        "user": USER,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
        **({"thread_ts": thread_ts} if thread_ts else {}),
        **extra,
    }
    return event_callback(event)


def dm_message(text: str, ts: str, thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel": DM,
        "user": USER,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
        **({"thread_ts": thread_ts} if thread_ts else {}),
        **extra,
    }
    return event_callback(event)


def assistant_thread_started(thread_ts: str) -> dict[str, Any]:
    event = {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": USER,
            "context": {"channel_id": CHANNEL, "team_id": TEAM, "enterprise_id": None},
            "channel_id": DM,
            "thread_ts": thread_ts,
        },
        "event_ts": thread_ts,
    }
    return event_callback(event)


def app_home_opened(user: str = USER) -> dict[str, Any]:
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": DM,
        "tab": "home",
        "event_ts": "1.1",
    }
    return event_callback(event)


def slash_command(text: str, response_url: str, trigger_id: str | None = None) -> dict[str, str]:
    return {
        "token": "verification_token",
        "team_id": TEAM,
        "team_domain": "test-domain",
        "channel_id": CHANNEL,
        "channel_name": "random",
        "user_id": USER,
        "user_name": "primary-owner",
        "command": "/advisor",
        "text": text,
        "api_app_id": "A123ABC456",
        "response_url": response_url,
        "trigger_id": trigger_id or f"{next(_ids)}.111.xxx",
    }


def block_actions(
    action_id: str,
    value: str,
    message: dict[str, Any] | None = None,
    ephemeral: bool = False,
    response_url: str = "https://hooks.slack.com/actions/T111/111/random-value",
    block_id: str = "b",
    label: str = "Button",
) -> dict[str, Any]:
    ts = (message or {}).get("ts", "111.222")
    return {
        "type": "block_actions",
        "user": {"id": USER, "username": "primary-owner", "name": "primary-owner", "team_id": TEAM},
        "api_app_id": "A123ABC456",
        "token": "verification_token",
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": CHANNEL,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": f"{next(_ids)}.222.valid",
        "team": {"id": TEAM, "domain": "workspace-domain"},
        "channel": {"id": CHANNEL, "name": "test-channel"},
        **({} if ephemeral else {"message": message or {"ts": ts, "type": "message"}}),
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": label, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": "1596530385.194939",
            }
        ],
    }


def view_submission(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A submission of `view` (as opened) with the given state values."""
    submitted = {**view, "id": "V123", "hash": "h1", "state": {"values": values}}
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "workspace-domain"},
        "user": {"id": USER, "username": "primary-owner", "name": "primary-owner", "team_id": TEAM},
        "api_app_id": "A123ABC456",
        "token": "verification_token",
        "trigger_id": f"{next(_ids)}.333.valid",
        "view": submitted,
    }


def text_value(slot: str, value: str) -> dict[str, Any]:
    return {slot: {slot: {"type": "plain_text_input", "value": value}}}


def select_value(slot: str, value: str) -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": value}, "value": value}
    return {slot: {slot: {"type": "static_select", "selected_option": option}}}
