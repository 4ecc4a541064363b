"""The channel-agnostic half: slot values read from a discussion, with who said each.

Pure functions over (author, text) pairs and a dialogue step over a `ThreadContext`;
no Slack here (the Slack half is in test_slack_thread_context.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.dialogue import step
from bot.core.meaning import Asks, Reading
from bot.core.messages import ConversationKey, Inbound, ReplyKind, Said, ThreadContext
from bot.core.slots import check
from bot.core.state import DialogueState, Phase, Tools
from bot.core.thread_facts import describe, read_facts, statements
from bot.engine import decide

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
KEY = ConversationKey(workspace="T1", channel="C1", thread="1.0", user="U9")


def asks_to_decide(text: str, has_slots: bool) -> Reading:
    """A stand-in meaning reader: every message asks for the team's decision."""
    return Reading(asks=Asks.decide, confidence=1.0, example=text)


def tools() -> Tools:
    return Tools(decide=decide, answer=lambda question: [], read=asks_to_decide)


def values(messages: list[tuple[str, str]]) -> dict[str, object]:
    return {slot: fact.value for slot, fact in read_facts(messages).items()}


def test_the_newest_statement_of_a_slot_wins_and_is_attributed_to_its_author() -> None:
    facts = read_facts(
        [
            ("ana", "The prompt gets 48% on 50 test cases."),
            ("raj", "We have 300 labeled examples."),
            ("ana", "The new prompt gets 62% on the same 50 test cases."),
        ]
    )
    assert facts["success_rate"].value == 0.62
    assert (facts["success_rate"].author, facts["success_rate"].message) == ("ana", 2)
    assert (facts["labeled_examples"].value, facts["labeled_examples"].author) == (300, "raj")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("What if we had 5,000 labeled examples?", "labeled_examples"),
        ("Suppose we reach 90% with a better prompt.", "success_rate"),
        ("Do we need 500 labeled examples for that?", "labeled_examples"),
        ("Is 62% good enough, or should we aim for 80%?", "success_rate"),
    ],
    ids=["what-if", "suppose", "yes-no-question", "two-questions"],
)
def test_questions_and_hypotheticals_are_not_facts(text: str, absent: str) -> None:
    assert absent not in values([("lee", text)])


def test_a_statement_before_a_trailing_question_is_kept() -> None:
    found = values([("ana", "We tried 5 prompt versions, should we fine-tune now?")])
    assert found["prompt_iterations"] == 5
    text = "We tried 5 prompt versions, should we fine-tune now?"
    kept = statements(text)
    assert len(kept) == len(text) and "should" not in kept and "5 prompt versions" in kept


def test_values_the_engine_would_reject_and_not_knowing_are_not_facts() -> None:
    found = values([("ana", "Our success rate is 140%."), ("raj", "No idea why it fails.")])
    assert "success_rate" not in found
    assert "failure_cause" not in found


def test_examples_per_category_become_labeled_examples_once_the_categories_are_known() -> None:
    facts = read_facts(
        [("raj", "About 100 examples per category."), ("ana", "It has 12 categories.")]
    )
    assert facts["labeled_examples"].value == 1200
    assert facts["labeled_examples"].author == "raj"


def test_the_summary_names_who_said_what_and_joins_a_rate_with_its_test_cases() -> None:
    facts = read_facts(
        [
            ("<@U1>", "Best prompt: 62% on 50 test cases, after 5 prompt versions."),
            ("<@U2>", "Legal has 1,200 labeled examples."),
        ]
    )
    assert describe(facts) == (
        "success rate 62% on 50 test cases (<@U1>), 5 prompt versions (<@U1>), "
        "1,200 labeled examples (<@U2>)"
    )


def test_a_rate_and_test_cases_from_different_people_are_credited_apart() -> None:
    facts = read_facts([("<@U1>", "We're at 62% right."), ("<@U2>", "That was on 50 test cases.")])
    summary = describe(facts)
    assert "success rate 62% (<@U1>)" in summary
    assert "50 test cases (<@U2>)" in summary


def thread(*messages: tuple[str, str], partial: bool = False) -> ThreadContext:
    return ThreadContext(messages=[Said(author=a, text=t) for a, t in messages], partial=partial)


def test_a_dialogue_step_prefills_from_the_thread_then_asks_only_what_is_missing() -> None:
    context = thread(
        ("<@U1>", "Our ticket classifier prompt gets 62% on 50 test cases after 5 versions."),
        ("<@U2>", "We have 1,200 labeled examples across 12 categories."),
    )
    inbound = Inbound(key=KEY, text="should we fine-tune?", thread=context)

    state, replies = step(DialogueState(), inbound, NOW, tools())

    assert replies[0].kind is ReplyKind.summary
    assert replies[0].text.startswith("From this thread: task classification")
    assert "success rate 62% on 50 test cases (<@U1>), 5 prompt versions (<@U1>)" in replies[0].text
    assert "1,200 labeled examples (<@U2>), 12 categories (<@U2>)" in replies[0].text
    assert "Still missing: why the failures happen" in replies[0].text
    assert [r.kind for r in replies[1:]] == [ReplyKind.question]
    assert replies[1].slot == "failure_cause"
    assert state.slots["labeled_examples"] == 1200 and state.phase is Phase.collecting


def test_a_long_thread_is_said_to_be_read_in_part() -> None:
    context = thread(("<@U1>", "We tried 4 prompt versions."), partial=True)
    _, replies = step(DialogueState(), Inbound(key=KEY, text="help", thread=context), NOW, tools())
    assert "I read only its 1 most recent messages" in replies[0].text
    assert replies[-1].kind is ReplyKind.question  # a detour still asks what is missing


def test_a_conversation_under_way_keeps_its_own_answers() -> None:
    state = DialogueState(phase=Phase.collecting, slots={"success_rate": 0.8}, pending="task")
    context = thread(("<@U1>", "We're at 40% on 20 test cases."))
    new, replies = step(
        state, Inbound(key=KEY, text="classification", thread=context), NOW, tools()
    )
    assert new.slots["success_rate"] == 0.8
    assert all("From this thread" not in r.text for r in replies)


def test_an_unreadable_thread_is_one_note_then_the_usual_dialogue() -> None:
    context = ThreadContext(unreadable="_I couldn't read this thread._")
    _, replies = step(
        DialogueState(), Inbound(key=KEY, text="should we fine-tune?", thread=context), NOW, tools()
    )
    _, usual = step(DialogueState(), Inbound(key=KEY, text="should we fine-tune?"), NOW, tools())
    assert replies[0].text == "_I couldn't read this thread._"
    assert [r.text for r in replies[1:]] == [r.text for r in usual]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["<@U1>", "<@U2>"]), st.text(max_size=300)), max_size=8))
def test_any_discussion_reads_without_error_into_allowed_values(
    messages: list[tuple[str, str]],
) -> None:
    for text in (t for _, t in messages):
        assert len(statements(text)) == len(text)
    for slot, fact in read_facts(messages).items():
        assert fact.slot == slot and fact.author in ("<@U1>", "<@U2>")
        assert check(slot, fact.value) is None
