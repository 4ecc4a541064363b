"""Block Kit rendering: snapshots of the JSON, and Slack's limits on anything the engine says.

Snapshots live in tests/slack/snapshots/; after an intended change, regenerate them with
UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/slack/test_slack_blocks.py and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.messages import Choice, Reply, ReplyKind
from bot.engine import DecisionInput, FailureCause, Task, decide
from bot.engine.models import (
    Approach,
    Citation,
    CostComparison,
    CostEstimate,
    CostPoint,
    FiredRule,
    MissingSlot,
    Recommendation,
    WhatWouldChange,
)
from bot.slack.blocks import RenderContext, SlackMessage, render_replies
from bot.slack.home import FeedbackMeta, feedback_modal, home_view
from bot.slack.refs import ButtonValue, ConversationRef
from bot.store.base import DecisionRecord

SNAPSHOTS = Path(__file__).parent / "snapshots"
CONV = ConversationRef(w="T1", c="C1", t="1700.000100")
CITATION = Citation(
    section="flowchart", title="The decision flowchart", path="decision-flowchart.md"
)


def assert_snapshot(name: str, data: Any) -> None:
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8")


def recommendation() -> Recommendation:
    timeline = [
        CostPoint(month=m, prompting_usd=250.0 * m, fine_tuning_usd=1500 + 120.0 * m)
        for m in range(1, 13)
    ]
    estimate = CostEstimate(
        price_table="guide",
        source="Prompt vs fine-tuning guide",
        as_of="2024-08",
        horizon_months=12,
        monthly_requests=200_000,
        tokens_per_request=1000,
        training_runs=1,
        training_usd=1500,
        prompting_total_usd=3000,
        fine_tuning_total_usd=2940,
        timeline=timeline,
        break_even_month=12,
    )
    return Recommendation(
        approach=Approach.fine_tune,
        headline="Fine-tune: **70%** after 5 prompt versions, with 800 labeled examples.",
        rules=[
            FiredRule(
                id="flowchart.iterations_exhausted",
                reason="70% is below 80% after 5 prompt iterations.",
                section="flowchart",
            )
        ],
        next_steps=["Hold out 20% of the 800 examples as a test set.", "Run one training job."],
        missing=[MissingSlot(slot="tokens_per_request", why="It sets the *inference* cost.")],
        what_would_change=[
            WhatWouldChange(
                slot="success_rate",
                condition="success_rate >= 0.8",
                approach=Approach.done,
                text="At 80% or more, keep the prompt.",
            )
        ],
        cost=CostComparison(estimates=[estimate], disagreement="The price tables differ by 3.1x."),
        citations=[CITATION],
        input=DecisionInput(task=Task.classification, success_rate=0.7, labeled_examples=800),
    )


def blocks_of(messages: list[SlackMessage]) -> list[list[dict[str, Any]]]:
    return [m.blocks for m in messages]


@pytest.mark.parametrize(
    ("name", "replies", "share_id"),
    [
        pytest.param(
            "answer",
            [
                Reply(
                    kind=ReplyKind.answer,
                    text="**LoRA** trains small adapters.",
                    citations=[CITATION],
                )
            ],
            None,
            id="answer-with-citations",
        ),
        pytest.param(
            "question",
            [
                Reply(
                    kind=ReplyKind.question,
                    text="When it fails, what goes wrong most often?",
                    slot="failure_cause",
                    choices=[
                        Choice(label="Missing knowledge", value="knowledge"),
                        Choice(label="Skip", value="skip"),
                    ],
                )
            ],
            None,
            id="question-with-choices",
        ),
        pytest.param(
            "recommendation",
            [Reply(kind=ReplyKind.recommendation, text="", recommendation=recommendation())],
            "share123",
            id="recommendation-card-shared",
        ),
        pytest.param(
            "error",
            [Reply(kind=ReplyKind.error, text="'lots' is not a number.")],
            None,
            id="error",
        ),
    ],
)
def test_replies_render_as_the_snapshot(
    name: str, replies: list[Reply], share_id: str | None
) -> None:
    messages = render_replies(replies, RenderContext(conv=CONV, share_id=share_id))
    assert_snapshot(f"reply_{name}", [{"text": m.text, "blocks": m.blocks} for m in messages])


def test_app_home_renders_as_the_snapshot() -> None:
    from datetime import datetime

    record = DecisionRecord(
        user="U1",
        conversation="T1:C1:1",
        approach="add_rag",
        headline="Add retrieval first: the failures are missing knowledge.",
        slots={"task": "support", "success_rate": 0.6},
        created_at=datetime(2025, 3, 1, 9, 30),
    )
    assert_snapshot("home", home_view([record]))
    assert "No decisions yet" in json.dumps(home_view([]))


def test_feedback_modal_renders_as_the_snapshot() -> None:
    meta = FeedbackMeta(value=ButtonValue(conv=CONV, kind="answer"), message_ref="C1:1700.1")
    assert_snapshot("feedback_modal", feedback_modal(meta))


def test_every_message_has_fallback_text() -> None:
    replies = [Reply(kind=ReplyKind.recommendation, text="", recommendation=recommendation())]
    [message] = render_replies(replies, RenderContext(conv=CONV))
    assert message.text.startswith("Fine-tune")


def test_a_very_long_answer_is_split_over_sections_and_messages() -> None:
    text = "\n\n".join(f"Paragraph {i}: " + "fine-tuning costs money. " * 100 for i in range(80))
    reply = Reply(kind=ReplyKind.answer, text=text, citations=[CITATION])
    messages = render_replies([reply], RenderContext(conv=CONV))
    assert len(messages) > 1
    assert all(len(m.blocks) <= 50 for m in messages)
    assert all(len(b["text"]["text"]) <= 3000 for m in messages for b in m.blocks if "text" in b)
    assert "advisor_feedback_up" in json.dumps(messages[-1].blocks)  # buttons under the last


def test_long_labels_are_cut_to_slacks_button_limit() -> None:
    choice = Choice(label="a very long label " * 10, value="x")
    reply = Reply(kind=ReplyKind.question, text="Pick one", slot="task", choices=[choice])
    [message] = render_replies([reply], RenderContext(conv=CONV))
    texts = [
        e["text"]["text"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert all(len(t) <= 75 for t in texts)


def _limits_hold(message: SlackMessage) -> bool:
    for block in message.blocks:
        if block["type"] == "header" and len(block["text"]["text"]) > 150:
            return False
        if block["type"] == "section" and len((block.get("text") or {}).get("text", "")) > 3000:
            return False
    return 0 < len(message.text) <= 3000 and len(message.blocks) <= 50


slot_values = st.fixed_dictionaries(
    {
        "task": st.none() | st.sampled_from(Task),
        "success_rate": st.none() | st.floats(0, 1),
        "prompt_iterations": st.none() | st.integers(0, 12),
        "failure_cause": st.none() | st.sampled_from(FailureCause),
        "systematic_failure_share": st.none() | st.floats(0, 1),
        "labeled_examples": st.none() | st.integers(0, 20_000),
        "monthly_requests": st.none() | st.integers(0, 10_000_000),
        "horizon_months": st.integers(1, 120),
    }
)


@settings(max_examples=60, deadline=None)
@given(slot_values)
def test_any_recommendation_the_engine_gives_fits_slacks_limits(values: dict[str, Any]) -> None:
    rec = decide(DecisionInput(**values))
    reply = Reply(kind=ReplyKind.recommendation, text=rec.headline, recommendation=rec)
    messages = render_replies([reply], RenderContext(conv=CONV, share_id="s"))
    assert all(_limits_hold(m) for m in messages)
