"""Replies as Slack messages: Block Kit built with slack_sdk.models. Pure functions.

Every message has a fallback `text` (notifications, screen readers), at most
50 blocks, and section texts of at most 3,000 characters; longer content is
split over several blocks and, when needed, several messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.messages import Reply, ReplyKind
from bot.core.moves import DETAILS_HINT
from bot.core.records import set_inputs
from bot.engine.models import DecisionInput
from bot.slack import refs
from bot.slack.card import (
    DETAILS_BUTTON,
    changes_blocks,
    citation_lines,
    compact_blocks,
    recommendation_blocks,
)
from bot.slack.mrkdwn import split_text, to_mrkdwn, truncate
from bot.slack.refs import ButtonValue, ConversationRef

MAX_BLOCKS = 50
MAX_ACTIONS = 25  # elements in one actions block
BUTTON_TEXT_LIMIT = 75
FALLBACK_LIMIT = 3000
SKIP_VALUE = "skip"  # a choice the core offers that skips the question
DETAILS_LABEL = "Show full recommendation"
SAVE_LABEL = "Save as decision record"

_FEEDBACK_KINDS = {ReplyKind.answer, ReplyKind.abstain, ReplyKind.recommendation, ReplyKind.what_if}
_DIALOGUE_KINDS = {
    ReplyKind.question,
    ReplyKind.summary,
    ReplyKind.recommendation,
    ReplyKind.what_if,
}

HELP_TEXT = (
    "*Advisor* helps your team choose between a better prompt, retrieval (RAG) and fine-tuning.\n"
    "• `/advisor <question>`: ask anything the knowledge base covers, e.g. "
    "`/advisor what does fine-tuning cost?` (only you see the answer; share it if you like)\n"
    "• `/advisor decide`: fill in a short form and get a recommendation\n"
    "• `/advisor history`: this channel's decision records, with links to their threads\n"
    "• Mention @Advisor in a channel: it answers in the thread and follows the thread after that\n"
    "• Send it a direct message: questions, or “should we fine-tune our classifier?”\n"
    "Say *start over* at any time to begin a new decision."
)


@dataclass(frozen=True)
class SlackMessage:
    """One chat message: fallback text plus blocks (as JSON-ready dicts)."""

    text: str
    blocks: list[dict[str, Any]]


@dataclass(frozen=True)
class RenderContext:
    """Where the replies go: the conversation buttons refer to, and whether it is private."""

    conv: ConversationRef
    share_id: str | None = None  # set for ephemeral replies: adds "Share to channel"


def render_replies(replies: Sequence[Reply], ctx: RenderContext) -> list[SlackMessage]:
    """The core's replies as as few messages as Slack's limits allow."""
    blocks: list[Block] = []
    for index, reply in enumerate(replies):
        if index:
            blocks.append(DividerBlock())
        blocks += reply_blocks(reply, ctx.conv, ctx.share_id)
    footer = footer_block(replies, ctx)
    fallback = fallback_text(replies)
    return pack(blocks, fallback, footer)


def reply_blocks(reply: Reply, conv: ConversationRef, share_id: str | None = None) -> list[Block]:
    """One reply's content and its own buttons (choices for a question)."""
    text = to_mrkdwn(reply.text)
    if reply.kind == ReplyKind.error:
        text = f"⚠️ {text}"
    blocks: list[Block] = text_sections(text) if reply.text.strip() else []
    blocks += changes_blocks(reply.changes)
    if reply.kind == ReplyKind.summary and reply.slots is not None:
        blocks += slot_fields(reply.slots)
    if reply.kind == ReplyKind.what_if:
        # Compact: what moved only; the footer's button (or "details") shows the full card.
        blocks.append(context(to_mrkdwn(DETAILS_HINT)))
    elif reply.kind == ReplyKind.recommendation and reply.recommendation is not None:
        # Compact in a thread; the footer's Details button posts the rest.
        rec = reply.recommendation
        blocks += compact_blocks(rec, headline=rec.headline not in reply.text)
    elif reply.recommendation is not None:  # the full card someone asked for ("details")
        blocks += recommendation_blocks(reply.recommendation)
    elif reply.citations:
        blocks.append(context(citation_lines(reply.citations)))
    if reply.kind == ReplyKind.question:
        blocks += question_actions(reply, conv, share_id)
    return blocks


def text_sections(text: str) -> list[Block]:
    """mrkdwn text as one or more section blocks within the 3,000-character limit."""
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in split_text(text)]


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, 3000))])


def slot_fields(slots: DecisionInput) -> list[Block]:
    """What was understood, as two-column fields (10 per section)."""
    filled = [
        f"*{name.replace('_', ' ')}*\n{_slot_text(value)}"
        for name, value in slots.model_dump(mode="json").items()
        if value is not None
    ]
    return [SectionBlock(fields=filled[i : i + 10]) for i in range(0, len(filled), 10)]


def _slot_text(value: object) -> str:
    return truncate(str(value), 200)


FOOTER_BLOCK = "advisor_footer"


def question_actions(
    reply: Reply, conv: ConversationRef, share_id: str | None = None
) -> list[Block]:
    """Buttons for the choices (25 to a block), Skip unless offered, and the form.

    On a private message the choices also name the stored copy (`share_id`): Slack
    sends no blocks back for a private message, and closing the question needs them.
    """
    buttons = [
        button(
            choice.label,
            f"{refs.CHOICE}{i}",
            ButtonValue(conv=conv, slot=reply.slot, value=choice.value, share=share_id),
        )
        for i, choice in enumerate(reply.choices)
    ]
    if not any(choice.value == SKIP_VALUE for choice in reply.choices):
        skip = ButtonValue(conv=conv, slot=reply.slot, share=share_id)
        buttons.append(button("Skip", refs.SKIP, skip))
    buttons.append(button("Open the form", refs.OPEN_FORM, ButtonValue(conv=conv)))
    return [
        ActionsBlock(elements=buttons[i : i + MAX_ACTIONS])
        for i in range(0, len(buttons), MAX_ACTIONS)
    ]


def footer_block(replies: Sequence[Reply], ctx: RenderContext) -> ActionsBlock | None:
    """Feedback, Start over and Share buttons under a message, as they apply."""
    kinds = {r.kind for r in replies}
    buttons: list[ButtonElement] = []
    if ReplyKind.what_if in kinds:
        details = ButtonValue(conv=ctx.conv)
        buttons.append(button(DETAILS_LABEL, refs.DETAILS, details, style="primary"))
    buttons += recommendation_buttons(replies, ctx)
    rated = [r.kind for r in replies if r.kind in _FEEDBACK_KINDS]
    if rated:
        kind = ReplyKind.recommendation if ReplyKind.recommendation in rated else rated[-1]
        value = ButtonValue(conv=ctx.conv, kind=kind.value)
        buttons.append(button("👍 Helpful", refs.FEEDBACK_UP, value))
        buttons.append(button("👎 Not helpful", refs.FEEDBACK_DOWN, value))
    if kinds & _DIALOGUE_KINDS:
        buttons.append(button("Start over", refs.START_OVER, ButtonValue(conv=ctx.conv)))
    if ctx.share_id:
        share = ButtonValue(conv=ctx.conv, share=ctx.share_id)
        buttons.append(button("Share to channel", refs.SHARE, share, style="primary"))
    return ActionsBlock(block_id=FOOTER_BLOCK, elements=buttons) if buttons else None


def recommendation_buttons(replies: Sequence[Reply], ctx: RenderContext) -> list[ButtonElement]:
    """Details (the rest of the card) and, in a channel thread, Save as decision record.

    Both carry the recommendation's inputs: the engine is deterministic, so a click
    re-runs exactly the recommendation it sat under, whatever the thread said since.
    """
    recs = [r.recommendation for r in replies if r.kind == ReplyKind.recommendation]
    rec = recs[-1] if recs else None
    if rec is None:
        return []
    value = ButtonValue(conv=ctx.conv, inputs=set_inputs(rec.input))
    buttons = [button(DETAILS_BUTTON, refs.CARD_DETAILS, value)]
    if in_channel_thread(ctx):
        buttons.append(button(SAVE_LABEL, refs.SAVE_RECORD, value, style="primary"))
    return buttons


def in_channel_thread(ctx: RenderContext) -> bool:
    """A message everyone in a channel sees, in a thread (where records live)."""
    conv = ctx.conv
    return ctx.share_id is None and conv.reply_thread is not None and conv.c[:1] in ("C", "G")


def answered_question(
    blocks: Sequence[dict[str, Any]], clicked: dict[str, Any], label: str, user: str
) -> list[dict[str, Any]] | None:
    """A question's blocks once a choice was clicked: its buttons become who chose what.

    `clicked` is the action from the payload: its block_id (Slack's copy of a message)
    or its action_id and value (our stored copy) find the question. Every actions block
    but the footer goes (a stale button could be clicked again); the footer's feedback
    and Start over stay. None when the clicked question is not in these blocks.
    """
    if not any(_holds(b, clicked) for b in blocks):
        return None
    chosen = context(f"✓ <@{user}> chose *{to_mrkdwn(label)}*").to_dict()
    kept: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("type") != "actions" or block.get("block_id") == FOOTER_BLOCK:
            kept.append(block)
        elif chosen not in kept:
            kept.append(chosen)
    return kept


def _holds(block: dict[str, Any], clicked: dict[str, Any]) -> bool:
    if block.get("type") != "actions":
        return False
    if clicked.get("block_id") and block.get("block_id") == clicked["block_id"]:
        return True
    return any(
        e.get("action_id") == clicked.get("action_id") and e.get("value") == clicked.get("value")
        for e in block.get("elements") or []
    )


def button(
    label: str, action_id: str, value: ButtonValue, style: str | None = None
) -> ButtonElement:
    """A button whose value routes the click back to its conversation."""
    return ButtonElement(
        text=truncate(label, BUTTON_TEXT_LIMIT),
        action_id=action_id,
        value=refs.encode(value),
        style=style,
    )


def fallback_text(replies: Sequence[Reply]) -> str:
    """Text for notifications and screen readers: the replies' text as mrkdwn, shortened."""
    parts = [to_mrkdwn(r.text.strip()) for r in replies if r.text.strip()]
    if not parts and any(r.recommendation for r in replies):
        parts = [r.recommendation.headline for r in replies if r.recommendation]
    return truncate("\n\n".join(parts) or "Advisor", FALLBACK_LIMIT)


def pack(blocks: list[Block], fallback: str, footer: Block | None = None) -> list[SlackMessage]:
    """Blocks into messages of at most 50 blocks; the footer goes under the last one."""
    room = MAX_BLOCKS - (1 if footer is not None else 0)
    chunks = [blocks[i : i + MAX_BLOCKS] for i in range(0, len(blocks), MAX_BLOCKS)] or [[]]
    if len(chunks[-1]) > room:
        chunks.append([])
    if footer is not None:
        chunks[-1].append(footer)
    messages = []
    for index, chunk in enumerate(chunks):
        text = fallback if index == 0 else truncate(f"(continued) {fallback}", FALLBACK_LIMIT)
        messages.append(SlackMessage(text=text, blocks=[b.to_dict() for b in chunk]))
    return messages


def notice(text: str) -> SlackMessage:
    """A short message of plain mrkdwn: acknowledgements and failures."""
    return SlackMessage(
        text=truncate(text, FALLBACK_LIMIT), blocks=[b.to_dict() for b in text_sections(text)]
    )


def help_message() -> SlackMessage:
    """How to use Advisor in Slack."""
    return SlackMessage(
        text="Advisor: ask a question with /advisor <question>, or run /advisor decide.",
        blocks=[b.to_dict() for b in text_sections(HELP_TEXT)],
    )
