"""In Slack a what-if shows what moved; "Show full recommendation" (or "details") the card.

The snapshot is tests/slack/snapshots/reply_what_if.json; after an intended change,
regenerate it with UPDATE_SNAPSHOTS=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import slack_payloads as P
from fake_slack import Call, FakeSlack
from slack_harness import Running
from test_slack_interactions import click

from bot.core.messages import Reply, ReplyKind
from bot.core.moves import moves
from bot.engine import DecisionInput, decide
from bot.slack.blocks import RenderContext, render_replies
from bot.slack.refs import ConversationRef

SNAPSHOT = Path(__file__).parent / "snapshots" / "reply_what_if.json"
CONV = ConversationRef(w="T1", c="C1", t="1700.000100")
SLOTS: dict[str, Any] = {
    "task": "classification",
    "success_rate": 0.7,
    "test_cases": 10,
    "prompt_iterations": 4,
    "failure_cause": "format",
    "labeled_examples": 300,
    "categories": 10,
    "monthly_requests": 50_000,
}
DECISION = (
    "should we fine-tune our ticket classifier? prompts get 7/10 right after 4 rounds, "
    "we have ~300 labeled tickets across 10 categories, about 50k requests a month"
)
# What only the full card shows.
CARD_MARKS = ("Recommendation: ", "*Why*", "*Next steps*", "*What would change it*")


def what_if_reply() -> Reply:
    before = decide(DecisionInput(**SLOTS))
    after = decide(DecisionInput(**(SLOTS | {"labeled_examples": 1000})))
    return Reply(
        kind=ReplyKind.what_if,
        text=f"With labeled examples 1,000 instead of 300: {after.headline}",
        recommendation=after,
        changes=moves(before, after),
    )


def test_a_what_if_message_is_compact_with_a_details_button() -> None:
    [message] = render_replies([what_if_reply()], RenderContext(conv=CONV))
    text = json.dumps(message.blocks, ensure_ascii=False)

    assert not any(mark in text for mark in CARD_MARKS)
    assert "*What changed*" in text
    assert "*Approach: Collect training data first → Fine-tune*" in text
    assert "fine-tuning $3,960 → $4,012" in text
    assert "Say *details* for the full recommendation." in text
    footer = message.blocks[-1]
    assert footer["elements"][0]["action_id"] == "advisor_details"
    assert footer["elements"][0]["text"]["text"] == "Show full recommendation"
    snapshot = json.dumps(message.blocks, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(snapshot, encoding="utf-8")
    assert snapshot == SNAPSHOT.read_text(encoding="utf-8")


def test_a_recommendation_message_is_compact_with_its_own_details_button() -> None:
    rec = decide(DecisionInput(**SLOTS))
    reply = Reply(kind=ReplyKind.recommendation, text=rec.headline, recommendation=rec)
    [message] = render_replies([reply], RenderContext(conv=CONV))
    text = json.dumps(message.blocks, ensure_ascii=False)
    assert '"advisor_details"' not in text  # the what-if's button re-runs the what-if
    assert '"advisor_card_details"' in text  # this one posts the rest of this card
    assert all(mark in text for mark in CARD_MARKS[:3])
    assert "*What would change it*" not in text


def a_what_if_in_a_thread(running: Running, slack: FakeSlack, thread: str) -> Call:
    """Decide in a channel thread, then ask a what-if; returns the what-if's message."""
    running.sender.event(P.app_mention(DECISION, ts=thread))
    slack.wait_for_method("chat.postMessage")
    for n, text in enumerate(["format", "just decide", "what if we had 1000 examples?"], 2):
        ts = f"{thread[:-2]}{n:02d}"
        running.sender.event(P.channel_message(text, ts=ts, thread_ts=thread))
        slack.wait_for_method("chat.postMessage", count=n)
    return slack.calls_to("chat.postMessage")[-1]


def test_clicking_show_full_recommendation_posts_the_what_ifs_card(
    running: Running, slack: FakeSlack
) -> None:
    what_if = a_what_if_in_a_thread(running, slack, "1900.000100")
    assert "Approach: Collect training data first → Fine-tune" in what_if.block_text()
    assert not any(mark in what_if.block_text() for mark in CARD_MARKS)

    click(running, what_if, "advisor_details")

    full = slack.wait_for_method("chat.postMessage", count=5)[4]
    assert full.params["thread_ts"] == "1900.000100"
    assert all(mark in full.block_text() for mark in CARD_MARKS)
    assert "labeled examples 1,000 instead of 300" in full.block_text()
    assert "20% of your 1,000 examples" in full.block_text()


def test_typing_details_in_the_thread_posts_the_same_card(
    running: Running, slack: FakeSlack
) -> None:
    a_what_if_in_a_thread(running, slack, "1900.000200")

    running.sender.event(P.channel_message("details", ts="1900.000299", thread_ts="1900.000200"))

    full = slack.wait_for_method("chat.postMessage", count=5)[4]
    assert all(mark in full.block_text() for mark in CARD_MARKS)
    assert "20% of your 1,000 examples" in full.block_text()
