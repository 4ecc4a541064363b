"""The App Home tab and the "what went wrong?" modal. Pure functions returning view JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.records import ThreadRecord, revisit_line
from bot.slack import refs
from bot.slack.card import approach_label
from bot.slack.mrkdwn import escape, truncate
from bot.slack.record_blocks import thread_link
from bot.slack.refs import ButtonValue
from bot.store.base import DecisionRecord

REASON_BLOCK = "reason"
REASON_ACTION = "reason"
REASON_LIMIT = 1000

HOME_INTRO = (
    "Advisor helps you decide how to improve an AI feature: a better prompt, retrieval (RAG) "
    "or fine-tuning. Ask it in a DM, mention it in a thread, or use `/advisor`."
)


def home_view(
    decisions: Sequence[DecisionRecord], records: Sequence[ThreadRecord] = ()
) -> dict[str, Any]:
    """The App Home tab: what Advisor does, a button to decide, the user's decision records
    (asked for or saved in channel threads) and recent decisions."""
    blocks: list[Block] = [
        HeaderBlock(text="Advisor"),
        SectionBlock(text=MarkdownTextObject(text=HOME_INTRO)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Start a decision",
                    action_id=refs.HOME_DECIDE,
                    style="primary",
                    value="home",
                )
            ]
        ),
        DividerBlock(),
    ]
    if records:
        blocks.append(HeaderBlock(text="Your decision records"))
        for saved in records[:10]:
            blocks += _record_blocks(saved)
        blocks.append(DividerBlock())
    blocks.append(HeaderBlock(text="Your recent decisions"))
    if not decisions:
        blocks.append(_context("No decisions yet. Start one above, or ask “should we fine-tune?”"))
    for record in decisions[:20]:
        blocks += _decision_blocks(record)
    return View(type="home", blocks=blocks).to_dict()


def _decision_blocks(record: DecisionRecord) -> list[Block]:
    title = (
        f"*{escape(approach_label(record.approach))}*\n{escape(truncate(record.headline, 2000))}"
    )
    when = record.created_at.strftime("%Y-%m-%d %H:%M UTC")
    known = ", ".join(
        f"{name.replace('_', ' ')}: {value}"
        for name, value in list(record.slots.items())[:6]
        if value is not None
    )
    detail = when + (f" · {escape(truncate(known, 500))}" if known else "")
    return [SectionBlock(text=MarkdownTextObject(text=title)), _context(detail)]


def _record_blocks(record: ThreadRecord) -> list[Block]:
    link = thread_link(record, None)
    where = f"<{link}|open thread>" if link else f"<#{record.channel}>"
    title = (
        f"*{escape(approach_label(record.approach))}* · {where}\n"
        f"{escape(truncate(record.headline, 1500))}"
    )
    detail = (
        f"{record.created_at:%Y-%m-%d} · saved by <@{record.saved_by}> · "
        f"{escape(truncate(revisit_line(record.triggers, limit=2), 400))}"
    )
    return [SectionBlock(text=MarkdownTextObject(text=title)), _context(detail)]


class FeedbackMeta(BaseModel):
    """What a "what went wrong?" modal needs to store the reason."""

    value: ButtonValue
    message_ref: str


def feedback_modal(meta: FeedbackMeta) -> dict[str, Any]:
    """Asks what went wrong; closing it still records the 👎 (notify_on_close)."""
    reason = InputBlock(
        block_id=REASON_BLOCK,
        label="What went wrong?",
        optional=True,
        element=PlainTextInputElement(
            action_id=REASON_ACTION,
            multiline=True,
            max_length=REASON_LIMIT,
            placeholder="e.g. the numbers were wrong, it missed our situation…",
        ),
    )
    return View(
        type="modal",
        callback_id=refs.FEEDBACK_VIEW,
        title="Feedback",
        submit="Send",
        close="Cancel",
        notify_on_close=True,
        private_metadata=refs.encode(meta),
        blocks=[reason],
    ).to_dict()


def feedback_reason(view: dict[str, Any]) -> str | None:
    """The reason typed into the feedback modal, or None."""
    values = view.get("state", {}).get("values", {})
    text = values.get(REASON_BLOCK, {}).get(REASON_ACTION, {}).get("value")
    return text.strip()[:REASON_LIMIT] if isinstance(text, str) and text.strip() else None


def feedback_meta(view: dict[str, Any]) -> FeedbackMeta | None:
    """The feedback modal's metadata, or None when it is not readable."""
    try:
        return FeedbackMeta.model_validate_json(view.get("private_metadata") or "")
    except ValueError:
        return None


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])
