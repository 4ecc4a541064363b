"""The recommendation card in Slack: compact in a thread, the rest behind "Details".

The full card (every reason, costs, what would change it, sources) is still what
"details" after a what-if shows; the terminal card keeps everything
(tests/engine/test_recommendation_card.py).
"""

from __future__ import annotations

import json
from typing import Any

from planning_case import PLANNING
from slack_sdk.models.blocks import Block

from bot.core.messages import Reply, ReplyKind
from bot.engine import DecisionInput, decide
from bot.engine.models import Recommendation
from bot.slack.blocks import RenderContext, render_replies
from bot.slack.card import compact_blocks, details_blocks, recommendation_blocks
from bot.slack.refs import ButtonValue, ConversationRef, decode_button

THREAD = ConversationRef(w="T1", c="C1", t="1700.000100")


def text_of(blocks: list[Block]) -> str:
    return json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)


def footer(replies: list[Reply], ctx: RenderContext) -> list[dict[str, Any]]:
    [message] = render_replies(replies, ctx)
    return list(message.blocks[-1]["elements"])


def planning() -> Recommendation:
    rec = decide(PLANNING)
    assert len(rec.rules) > 3 and rec.cost is not None  # the case the compact card is for
    return rec


def test_the_compact_card_has_the_headline_three_reasons_and_the_next_steps() -> None:
    rec = planning()
    text = text_of(compact_blocks(rec))

    assert "Recommendation: 🗂️ Collect training data first" in text
    assert all(r.reason[:40] in text for r in rec.rules[:3])
    assert not any(r.reason[:40] in text for r in rec.rules[3:])
    assert all(step[:40] in text for step in rec.next_steps)
    for behind in ("Cost over", "*What would change it*", "decision-flowchart.md", "```"):
        assert behind not in text, behind
    assert "The cost over time, 3 more reasons, what would change it and" in text


def test_details_hold_everything_the_compact_card_leaves_out() -> None:
    rec = planning()
    text = text_of(details_blocks(rec))

    assert f"*Why (all {len(rec.rules)})*" in text
    assert all(r.reason[:40] in text for r in rec.rules)
    assert "Cost over 12 months" in text and "Prices: " in text
    assert "*What would change it*" in text
    assert all(c.path in text for c in rec.citations)
    assert "*Next steps*" not in text  # already on the card


def test_compact_plus_details_cover_the_full_card() -> None:
    rec = planning()
    full = text_of(recommendation_blocks(rec))
    both = text_of(compact_blocks(rec)) + text_of(details_blocks(rec))

    for r in rec.rules:
        assert r.reason[:40] in full and r.reason[:40] in both
    for w in rec.what_would_change:
        assert w.text[:40] in full and w.text[:40] in both


def test_a_recommendation_in_a_channel_thread_offers_details_and_saving() -> None:
    rec = planning()
    reply = Reply(kind=ReplyKind.recommendation, text=rec.headline, recommendation=rec)

    buttons = footer([reply], RenderContext(conv=THREAD))

    ids = [b["action_id"] for b in buttons]
    assert ids[:2] == ["advisor_card_details", "advisor_save_record"]
    value = decode_button(buttons[1]["value"])
    assert value is not None and value.conv == THREAD
    assert DecisionInput.model_validate(value.inputs) == PLANNING  # re-runs this very card
    assert len(buttons[1]["value"]) <= 2000  # Slack's limit on a button value


def test_private_and_direct_replies_offer_details_but_no_record() -> None:
    rec = planning()
    reply = Reply(kind=ReplyKind.recommendation, text=rec.headline, recommendation=rec)
    private = RenderContext(conv=THREAD, share_id="s1")
    dm = RenderContext(conv=ConversationRef(w="T1", c="D1", t="1700.1"))
    command = RenderContext(conv=ConversationRef(w="T1", c="C1", t="cmd:U1"))

    for ctx in (private, dm, command):
        ids = [b["action_id"] for b in footer([reply], ctx)]
        assert "advisor_card_details" in ids and "advisor_save_record" not in ids, ctx


def test_the_full_card_someone_asked_for_stays_full() -> None:
    rec = planning()
    reply = Reply(kind=ReplyKind.info, text="**Your recommendation in full.**", recommendation=rec)

    [message] = render_replies([reply], RenderContext(conv=THREAD))

    text = json.dumps(message.blocks, ensure_ascii=False)
    assert "Cost over 12 months" in text and "*What would change it*" in text
    assert "advisor_card_details" not in text and "advisor_save_record" not in text


def test_a_card_without_costs_or_extra_reasons_says_only_what_is_behind_details() -> None:
    rec = decide(DecisionInput(success_rate=0.9, test_cases=50))
    text = text_of(compact_blocks(rec))

    assert "cost over time" not in text.lower()
    assert len(rec.rules) > 3 or "more reason" not in text
    assert "Details" in text or not (rec.what_would_change or rec.citations)


def test_button_values_of_an_older_version_still_decode() -> None:
    old = ButtonValue(conv=THREAD).model_dump_json(exclude_none=True)
    value = decode_button(old)
    assert value is not None and value.inputs is None and value.record is None


def test_the_headline_is_not_repeated_when_the_message_already_says_it() -> None:
    rec = planning()
    said = f"**Recommendation: Collect training data first.** {rec.headline}"
    reply = Reply(kind=ReplyKind.recommendation, text=said, recommendation=rec)

    [message] = render_replies([reply], RenderContext(conv=THREAD))

    text = json.dumps(message.blocks, ensure_ascii=False)
    assert text.count(rec.headline[:50]) == 1
    assert "Recommendation: 🗂️ Collect training data first" in text  # the card's header stays
