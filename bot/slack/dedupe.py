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

from bot.store.base import Store

log = logging.getLogger(__name__)


def delivery_id(body: dict[str, Any]) -> str | None:
    """A stable id for one thing a person did, the same on every retry of its delivery."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
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
    ident = body.get("trigger_id") or (f"{view.get('id')}:{view.get('hash')}" if view else None)
    return f"view:{ident}" if ident else None


def claim(store: Store, ident: str | None) -> bool:
    """True when this delivery should run: first claim, no id, or the store is unreachable."""
    if ident is None:
        return True
    try:
        return store.claim_event(ident)
    except Exception:
        # A duplicate reply is better than a lost one while the store is down.
        log.warning("could not claim %s; handling it anyway", ident, exc_info=True)
        return True


def once(store: Store, handler: Callable[..., Any]) -> Callable[..., None]:
    """A lazy listener that runs only for the first delivery of what it handles.

    The claim happens after the ack, off the request path, so acknowledgements never
    wait for the database. The handler must take `body` (Bolt passes arguments by name).
    """

    @functools.wraps(handler)
    def first_delivery_only(**kwargs: Any) -> None:
        ident = delivery_id(kwargs.get("body") or {})
        if claim(store, ident):
            handler(**kwargs)
        else:
            log.info("ignored repeated delivery %s", ident)

    return first_delivery_only
