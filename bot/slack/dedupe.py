"""Exactly one reply per delivery: Slack's retries are recognised by id in the shared store.

Slack re-sends an event (X-Slack-Retry-Num) when the first delivery looked
lost or slow; with several workers the retry may reach another process. Each
delivery id is claimed once in the store, so only the first claim runs. Every
delivery is still acknowledged with a 200, so Slack stops retrying.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from bot.core.service import delivery
from bot.slack import refs
from bot.slack.redelivery import ended, is_redelivery, started, unmarked
from bot.store.base import Store

log = logging.getLogger(__name__)


def delivery_id(body: dict[str, Any]) -> str | None:
    """A stable id for one thing a person did, the same on every retry of its delivery."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
    if kind in ("message_action", "shortcut") and body.get("trigger_id"):
        return f"shortcut:{body['trigger_id']}"  # Slack retries a slow shortcut's delivery
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        ident = body.get("trigger_id") or actions[0].get("action_ts")
        return f"action:{ident}" if ident else None
    if kind == "view_closed":
        view_id = (body.get("view") or {}).get("id")
        return f"view_closed:{view_id}" if view_id else None
    return None  # view_submission is claimed after validation, see claim_submission


def submission_id(body: dict[str, Any]) -> str | None:
    """The id of a valid form submission (an invalid one may be corrected and sent again)."""
    view = body.get("view") or {}
    # The view id, not the trigger_id: a replayed submission has a new trigger_id.
    ident = view.get("id") or body.get("trigger_id")
    return f"view:{ident}" if ident else None


def claim(store: Store, ident: str | None, payload: dict[str, Any] | None = None) -> bool:
    """True when this delivery should run: first claim, no id, or the store is unreachable.

    With a payload, the store holds it until `finish`, for bot.slack.redelivery.
    """
    if ident is None:
        return True
    try:
        return store.claim_event(ident, payload)
    except Exception:
        # A duplicate reply is better than a lost one while the store is down.
        log.warning("could not claim %s; handling it anyway", ident, exc_info=True)
        return True


def once(store: Store, handler: Callable[..., Any]) -> Callable[..., None]:
    """A lazy listener that runs only for the first delivery of what it handles.

    The claim happens after the ack, off the request path, so acknowledgements never
    wait for the database. The payload is held in the store until the handler is done,
    so a live worker redoes it if this one dies (bot.slack.redelivery); a redelivery
    marked by this process runs without a claim. The handler must take `body` (Bolt
    passes arguments by name).
    """

    @functools.wraps(handler)
    def first_delivery_only(**kwargs: Any) -> None:
        body = kwargs.get("body") or {}
        ident = delivery_id(body)
        if not (is_redelivery(body, ident) or claim(store, ident, unmarked(body))):
            log.info("ignored repeated delivery %s", ident)
            return
        if ident is not None:
            started(ident)
        try:
            with delivery(ident):  # the core applies this delivery's turn at most once
                handler(**kwargs)
        finally:
            finish(store, ident)

    return first_delivery_only


def finish(store: Store, ident: str | None) -> None:
    """The delivery's work is over (done, or failed and told): it is not redone."""
    if ident is None:
        return
    try:
        store.finish_event(ident)
    except Exception:
        log.warning("could not finish %s; it may be redone later", ident, exc_info=True)
    finally:
        ended(ident)  # its heartbeat stops only once the store knows it is done


def click_id(body: dict[str, Any], action_id: str, slot: str | None, user: str) -> str | None:
    """What one click means, the same for a double click: None when clicks may repeat.

    A question is answered (a choice or Skip) once per message and person, a 👍 counts
    once per message and person. Share is made once by taking its stored reply.
    """
    container = body.get("container") or {}
    message = container.get("message_ts") or (body.get("message") or {}).get("ts")
    if not message:
        return None
    where = f"{container.get('channel_id') or '-'}:{message}"
    if action_id.startswith(refs.CHOICE) or action_id == refs.SKIP:
        return f"click:{where}:answer:{slot or '-'}:{user}"
    if action_id == refs.FEEDBACK_UP:
        return f"click:{where}:up:{user}"
    return None
