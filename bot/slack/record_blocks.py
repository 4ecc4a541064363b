"""Decision records as Slack messages: the record, the history, a fired trigger. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ContextBlock, MarkdownTextObject

from bot.core import slots as sl
from bot.core.records import DEFAULT, ThreadRecord, Trigger, approach_title, revisit_line
from bot.engine.models import Recommendation
from bot.slack import refs
from bot.slack.blocks import SlackMessage, button, text_sections
from bot.slack.card import approach_label
from bot.slack.mrkdwn import escape, to_mrkdwn, truncate
from bot.slack.refs import ButtonValue, ConversationRef

HISTORY_LIMIT = 10
UPDATE_LABEL = "Update the decision record"
_RULES_SHOWN = 3  # in full; the others by id


def day(record: ThreadRecord) -> str:
    return record.created_at.strftime("%Y-%m-%d")


def record_message(record: ThreadRecord, names: Mapping[str, str] | None = None) -> SlackMessage:
    """The record as posted in its thread: compact, everything a later reader needs.

    Who stated an input is shown by name (`names`: user id -> name), so that posting the
    record pings no one; an id without a name stays a mention. Who asked and who saved
    acted themselves, and stay mentions.
    """
    revised = f" (revision {record.revision})" if record.revision > 1 else ""
    title = f"📌 *Decision record*{revised}"
    asked = f"asked by <@{record.asked_by}>" if record.asked_by else "asker not known"
    lines = [
        f"{title} · {day(record)} · {asked}",
        f"*Recommendation:* {escape(approach_label(record.approach))}. "
        f"{to_mrkdwn(record.headline)}",
        "*Inputs*\n" + _inputs(record, names or {}),
        "*Rules behind it*\n" + _rules(record),
    ]
    if record.cost_line:
        lines.append(f"*Cost:* {escape(record.cost_line)}")
    lines.append(f"*{escape(revisit_line(record.triggers))}*")
    saved = f"Saved by <@{record.saved_by}> on {day(record)}"
    if record.updated_by and record.updated_at:
        saved += f" · updated by <@{record.updated_by}> on {record.updated_at:%Y-%m-%d}"
    blocks: list[Block] = [*text_sections("\n\n".join(lines)), _context(saved)]
    fallback = f"Decision record: {approach_title(record.approach)} ({day(record)})"
    return SlackMessage(text=fallback, blocks=[b.to_dict() for b in blocks])


def _inputs(record: ThreadRecord, names: Mapping[str, str]) -> str:
    """One line per source: who stated which inputs, then the defaults."""
    groups: dict[str, list[str]] = {}
    for source in record.sources:
        if source.source == DEFAULT:
            where = "defaults"
        elif source.by:
            who = escape(names[source.by]) if source.by in names else f"<@{source.by}>"
            where = f"stated in the thread by {who}"
        else:
            where = "stated in the thread"
        label = sl.LABELS.get(source.slot, source.slot.replace("_", " "))
        groups.setdefault(where, []).append(f"{escape(label)} {escape(source.shown)}")
    order = sorted(groups, key=lambda w: (w == "defaults", w == "stated in the thread"))
    return "\n".join(f"• _{where}:_ {', '.join(groups[where])}" for where in order) or "• none"


def _rules(record: ThreadRecord) -> str:
    """The deciding reasons in full, then the other rules by id."""
    shown = record.rules[:_RULES_SHOWN]
    lines = [f"• {to_mrkdwn(r.reason)} (`{escape(r.id)}`)" for r in shown]
    rest = record.rules[_RULES_SHOWN:]
    if rest:
        lines.append("• also: " + ", ".join(f"`{escape(r.id)}`" for r in rest))
    return "\n".join(lines) or "• none"


def history_message(
    records: Sequence[ThreadRecord], channel: str, team_domain: str | None = None
) -> SlackMessage:
    """`/advisor history`: the channel's records, newest first, each linking to its thread."""
    if not records:
        text = (
            f"No decision records in <#{channel}> yet. Under a recommendation in a thread, "
            "click *Save as decision record*."
        )
        return SlackMessage(text=text, blocks=[b.to_dict() for b in text_sections(text)])
    lines = [f"*Decision records in <#{channel}>* (newest first)"]
    lines += [_history_line(r, team_domain) for r in records[:HISTORY_LIMIT]]
    text = "\n".join(lines)
    fallback = f"{len(records)} decision records in this channel"
    return SlackMessage(text=fallback, blocks=[b.to_dict() for b in text_sections(text)])


def _history_line(record: ThreadRecord, team_domain: str | None) -> str:
    link = thread_link(record, team_domain)
    where = f"<{link}|open thread>" if link else f"in <#{record.channel}>"
    asked = f", asked by <@{record.asked_by}>" if record.asked_by else ""
    head = (
        f"• *{day(record)}* {escape(approach_label(record.approach))}{asked} · {where}\n"
        f"    {escape(truncate(revisit_line(record.triggers, limit=2), 300))}"
    )
    return head


def thread_link(record: ThreadRecord, team_domain: str | None) -> str | None:
    """The stored permalink, else one built from the workspace's domain and the record's ts."""
    if record.permalink:
        return record.permalink
    ts = record.message_ts or record.source_ts
    if not team_domain or not ts:
        return None
    return (
        f"https://{team_domain}.slack.com/archives/{record.channel}/p{ts.replace('.', '')}"
        f"?thread_ts={record.thread_ts}&cid={record.channel}"
    )


def trigger_message(
    record: ThreadRecord,
    rec: Recommendation,
    fired: Sequence[Trigger],
    changed: Sequence[str],
    conv: ConversationRef,
) -> SlackMessage:
    """The thread's record no longer holds: which trigger fired, and a button to update it."""
    was, now = approach_label(record.approach), approach_label(rec.approach)
    lead = (
        f"📌 This thread's decision record ({day(record)}) says *{escape(was)}*; "
        f"with the new numbers it becomes *{escape(now)}*."
    )
    if fired:
        why = "Revisit trigger fired: " + "; ".join(escape(t.text) for t in fired) + "."
    else:
        why = (
            "None of its revisit triggers fired; what changed: "
            + (escape(", ".join(changed)) or "the inputs")
            + "."
        )
    if changed and fired:
        why += f" ({escape(', '.join(changed))})"
    value = ButtonValue(
        conv=conv,
        record=record.id,
        rev=record.revision,
        inputs=rec.input.model_dump(mode="json", exclude_unset=True, exclude_none=True),
    )
    actions = ActionsBlock(elements=[button(UPDATE_LABEL, refs.UPDATE_RECORD, value, "primary")])
    blocks: list[Block] = [*text_sections(f"{lead}\n{why}"), actions]
    fallback = f"The decision record no longer holds: {approach_title(rec.approach)} now"
    return SlackMessage(text=fallback, blocks=[b.to_dict() for b in blocks])


def saved_card(blocks: Sequence[dict[str, Any]], user: str) -> list[dict[str, Any]]:
    """A card's blocks once saved: no Save button, and who saved it above the buttons."""
    note = _context(f"📌 Saved as this thread's decision record by <@{user}>").to_dict()
    out: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("type") == "actions":
            elements = [
                e for e in block.get("elements") or [] if e.get("action_id") != refs.SAVE_RECORD
            ]
            if len(elements) != len(block.get("elements") or []):
                out.append(note)
            if elements:
                out.append({**block, "elements": elements})
        else:
            out.append(block)
    return out


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, 3000))])
