"""👍/👎 feedback and "Share to channel": what happens after those buttons are pressed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack import dedupe, refs
from bot.slack.adapter import SlackAdapter
from bot.slack.home import feedback_meta, feedback_reason
from bot.slack.inbound import Destination
from bot.slack.refs import ButtonValue
from bot.store.base import FeedbackRecord, Store

log = logging.getLogger(__name__)

SHARE_EXPIRED = "That reply is no longer available to share. Ask again and share the new one."
NOT_YOURS = "Only the person this reply was for can share it."
NOT_IN_CHANNEL = (
    "I can't post in this channel yet. Invite me with `/invite @Advisor`, then share again."
)


def record_feedback(
    store: Store, user: str, value: ButtonValue, ref: str, rating: int, reason: str | None
) -> None:
    """Store a rating (+1 or -1) of the message `ref` in the button's conversation."""
    record = FeedbackRecord(
        user=user,
        conversation=value.conv.key(user).id,
        message_ref=ref,
        rating=rating,
        reason=reason,
        created_at=datetime.now(UTC),
    )
    store.add_feedback(record)


def feedback_from_view(
    store: Store, body: dict[str, Any], view: dict[str, Any], submitted: bool
) -> None:
    """A 👎 from the "what went wrong?" modal: with its reason when submitted, none if closed."""
    meta = feedback_meta(view)
    if meta is None:
        log.warning("feedback modal without readable metadata")
        return
    user = str((body.get("user") or {}).get("id") or "")
    if not dedupe.claim(store, f"feedback-view:{view.get('id')}" if view.get("id") else None):
        log.info("feedback form %s already recorded", view.get("id"))
        return  # a replayed submission, or closed after being submitted
    reason = feedback_reason(view) if submitted else None
    record_feedback(store, user, meta.value, meta.message_ref, rating=-1, reason=reason)


def share(adapter: SlackAdapter, share_id: str, dest: Destination, user: str) -> None:
    """Post a private reply for the whole channel, then remove the private copy.

    The stored reply is taken atomically, so a double click posts it once; only the
    person it was for may share it.
    """
    shared = adapter.take_shared(share_id)
    if shared is None:
        adapter.tell(dest, SHARE_EXPIRED)
        return
    if shared.get("user") and shared.get("user") != user:
        adapter.update_shared(share_id, shared)  # put back for its owner
        adapter.tell(dest, NOT_YOURS)
        return
    try:
        for message in shared.get("messages", []):
            blocks = [*without_share_button(message.get("blocks") or []), _shared_by(user)]
            text = message.get("text") or ""
            adapter.client.chat_postMessage(channel=dest.channel, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.info("share failed: %s", exc.response.get("error"))
        adapter.update_shared(share_id, shared)  # to share again once invited
        adapter.tell(dest, NOT_IN_CHANNEL)
        return
    if dest.response_url:
        adapter.poster.respond(dest.response_url, {"delete_original": True})


def _shared_by(user: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Shared by <@{user}>"}]}


def without_share_button(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The blocks with the Share button removed (and its actions block, if it was alone)."""
    kept = []
    for block in blocks:
        if block.get("type") == "actions":
            elements = [e for e in block.get("elements", []) if e.get("action_id") != refs.SHARE]
            if not elements:
                continue
            block = {**block, "elements": elements}
        kept.append(block)
    return kept
