"""Whole conversations through the core with the real engine: messages in, replies out."""

from __future__ import annotations

from pathlib import Path

from core_fakes import KEY, Clock, FakeAnswerer, MemoryStore, make_advisor, say

from bot.core.messages import Inbound, ReplyKind
from bot.core.service import KNOWLEDGE_DOWN, Advisor
from bot.core.state import DialogueState
from bot.engine import decide
from bot.engine.models import Approach
from bot.store.sql import SqlStore

ONE_MESSAGE = (
    "should we fine-tune our ticket classifier? prompts get 7/10 right after 4 rounds, "
    "we have ~300 labeled tickets across 10 categories"
)
ISSUE_SLOTS = {
    "task": "classification",
    "success_rate": 0.7,
    "test_cases": 10,
    "prompt_iterations": 4,
    "labeled_examples": 300,
    "categories": 10,
}


def state_of(advisor: Advisor) -> DialogueState:
    return DialogueState.from_json(advisor.store.load_state(KEY.id))


def test_one_message_gets_one_focused_question_then_the_recommendation() -> None:
    store = MemoryStore()
    advisor = make_advisor(store)

    [question] = say(advisor, ONE_MESSAGE)
    assert question.kind is ReplyKind.question
    assert question.slot == "failure_cause"
    assert question.text.startswith("Got it: task classification · success rate 70%")
    assert {c.value for c in question.choices} >= {"knowledge", "format", "skip", "dont_know"}
    assert state_of(advisor).slots == ISSUE_SLOTS

    [rec] = say(advisor, "it doesn't know our products")
    assert rec.kind is ReplyKind.recommendation
    assert rec.recommendation is not None
    assert rec.recommendation.approach is Approach.add_rag
    assert "Here's what I understood: task classification" in rec.text
    assert rec.slots is not None and rec.slots.failure_cause == "knowledge"
    assert [d.approach for d in store.decisions] == ["add_rag"]
    assert store.decisions[0].user == "U1"


def test_a_correction_overwrites_the_slot_and_keeps_the_question() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)

    [reply] = say(advisor, "actually it's 500 examples")

    assert reply.slot == "failure_cause"
    assert "labeled examples 500" in reply.text
    assert state_of(advisor).slots == {**ISSUE_SLOTS, "labeled_examples": 500}


def test_a_correction_after_the_recommendation_reruns_the_engine() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)
    say(advisor, "it doesn't know our products")

    [reply] = say(advisor, "actually we get 9 out of 10 right")

    assert reply.kind is ReplyKind.recommendation
    assert reply.recommendation is not None
    assert reply.recommendation.approach is Approach.done
    assert reply.text.startswith("Updated: success rate 70% → 90%")
    assert "Approach: Add retrieval (RAG) → Prompting is enough" in reply.changes


def test_skip_moves_on_and_never_asks_that_slot_again() -> None:
    advisor = make_advisor()
    [first] = say(advisor, "help me decide")
    assert first.slot == "success_rate"

    [second] = say(advisor, "skip")

    assert second.text.startswith("Okay, skipping that.")
    assert second.slot not in (None, "success_rate")
    state = state_of(advisor)
    assert state.skipped == ["success_rate"]
    assert "success_rate" not in state.slots


def test_dont_know_the_failure_cause_answers_unknown() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)

    replies = say(advisor, "no idea")

    assert state_of(advisor).slots["failure_cause"] == "unknown"
    assert replies[-1].kind in (ReplyKind.question, ReplyKind.recommendation)


def test_a_question_mid_dialogue_is_answered_and_the_dialogue_goes_on() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)

    answer, back = say(advisor, "what is LoRA?")

    assert answer.kind is ReplyKind.answer
    assert "LoRA" in answer.text
    assert [c.section for c in answer.citations] == ["faq-lora"]
    assert back.kind is ReplyKind.question and back.slot == "failure_cause"
    assert back.text.startswith("Back to your decision:")
    assert state_of(advisor).slots == ISSUE_SLOTS


def test_knowledge_base_down_is_a_friendly_message_and_decisions_still_work() -> None:
    advisor = make_advisor(answerer=FakeAnswerer(down=True))

    [down] = say(advisor, "what does fine-tuning cost?")
    assert down.text == KNOWLEDGE_DOWN

    [question] = say(advisor, ONE_MESSAGE)
    assert question.kind is ReplyKind.question


def test_off_topic_question_abstains() -> None:
    [reply] = say(make_advisor(), "what's the wifi password?")
    assert reply.kind is ReplyKind.abstain


def test_what_if_reruns_with_the_slot_changed_and_keeps_the_real_slots() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)
    say(advisor, "it doesn't know our products")

    [reply] = say(advisor, "what if the success rate were 90%?")

    assert reply.kind is ReplyKind.what_if
    assert reply.recommendation is not None
    assert reply.recommendation.approach is Approach.done
    assert reply.text.startswith("With success rate 90% instead of 70%, the recommendation")
    assert reply.changes[0] == "Approach: Add retrieval (RAG) → Prompting is enough"
    assert "No longer: The failures come from missing knowledge" in "\n".join(reply.changes)
    assert state_of(advisor).slots["success_rate"] == 0.7


def test_what_if_with_more_examples_says_whether_the_answer_moves() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)
    say(advisor, "wrong JSON format")
    say(advisor, "just decide")

    [reply] = say(advisor, "what if we had 1000 examples?")

    assert reply.kind is ReplyKind.what_if
    assert reply.recommendation is not None
    before = decide(state_of(advisor).decision_input()).approach
    after = reply.recommendation.approach
    expected = "stays" if before is after else "changes from"
    assert f"the recommendation {expected}" in reply.text
    assert reply.recommendation.input.labeled_examples == 1000


def test_an_invalid_value_is_reasked_with_a_reason_and_other_slots_are_kept() -> None:
    advisor = make_advisor()

    [error] = say(advisor, "we classify tickets, success rate 170%, 300 labeled examples")

    assert error.kind is ReplyKind.error
    assert error.slot == "success_rate"
    assert "170%" in error.text and "between 0% and 100%" in error.text
    state = state_of(advisor)
    assert state.slots == {"task": "classification", "labeled_examples": 300}
    assert state.pending == "success_rate"

    [next_reply] = say(advisor, "70%")
    assert state_of(advisor).slots["success_rate"] == 0.7
    assert next_reply.slot != "success_rate"


def test_an_unreadable_answer_is_asked_again() -> None:
    advisor = make_advisor()
    say(advisor, "help me decide")

    [reply] = say(advisor, "hmm, pretty good mostly")

    assert reply.kind is ReplyKind.error
    assert reply.slot == "success_rate"
    assert reply.text.startswith("Sorry, I couldn't read that as the success rate.")


def test_a_restart_continues_the_dialogue_from_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state' / 'advisor.db'}"
    first = Advisor(SqlStore(url), FakeAnswerer(), decide)
    say(first, ONE_MESSAGE)
    first.close()

    second = Advisor(SqlStore(url), FakeAnswerer(), decide)
    [rec] = say(second, "the answers are outdated")

    assert rec.kind is ReplyKind.recommendation
    assert second.slots(KEY).labeled_examples == 300
    assert second.store.recent_decisions("U1")[0].approach == "add_rag"
    second.close()


def test_conversations_in_different_threads_never_mix() -> None:
    advisor = make_advisor()
    other = KEY.model_copy(update={"thread": "1700000000.000200"})

    say(advisor, ONE_MESSAGE)
    say(advisor, "we summarize research papers", key=other)

    assert advisor.slots(KEY).task == "classification"
    assert advisor.slots(other).task == "summarization"
    assert advisor.slots(other).labeled_examples is None


def test_an_expired_dialogue_starts_fresh() -> None:
    clock = Clock()
    advisor = make_advisor(clock=clock)
    say(advisor, ONE_MESSAGE)

    clock.advance(hours=73)

    assert advisor.slots(KEY).model_dump(exclude_unset=True) == {}


def test_start_over_forgets_everything() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)

    [reply] = say(advisor, "start over")

    assert reply.kind is ReplyKind.info
    assert state_of(advisor) == DialogueState(updated_at=state_of(advisor).updated_at)


def test_help_lists_what_advisor_can_do_and_reasks_the_open_question() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)

    help_reply, again = say(advisor, "help")

    assert help_reply.kind is ReplyKind.help
    for feature in ("Ask me anything", "recommendation", "What-ifs", "start over", "skip"):
        assert feature in help_reply.text
    assert again.slot == "failure_cause"


def test_decide_now_recommends_with_what_is_known() -> None:
    advisor = make_advisor()
    say(advisor, "help me decide")
    say(advisor, "we get 6/10 right")

    [reply] = say(advisor, "just decide")

    assert reply.kind is ReplyKind.recommendation


def test_at_most_five_questions_before_a_recommendation() -> None:
    advisor = make_advisor()
    kinds = [r.kind for r in say(advisor, "help me decide")]
    for _ in range(8):
        if ReplyKind.recommendation in kinds:
            break
        kinds = [r.kind for r in say(advisor, "hmm") + say(advisor, "skip")]
    assert ReplyKind.recommendation in kinds
    assert len(state_of(advisor).asked) <= 5


def test_a_button_answers_the_question() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)

    replies = advisor.handle(
        Inbound(
            key=KEY, text="Wrong output format", action="slot", slot="failure_cause", value="format"
        )
    )

    assert state_of(advisor).slots["failure_cause"] == "format"
    assert replies[-1].kind in (ReplyKind.question, ReplyKind.recommendation)


def test_a_skip_button_skips_the_question() -> None:
    advisor = make_advisor()
    say(advisor, ONE_MESSAGE)

    advisor.handle(Inbound(key=KEY, action="slot", slot="failure_cause", value="skip"))

    assert "failure_cause" in state_of(advisor).skipped


def test_a_valid_form_gives_the_recommendation() -> None:
    store = MemoryStore()
    advisor = make_advisor(store)
    form = {
        "task": "extraction",
        "success_rate": "60%",
        "prompt_iterations": "5",
        "labeled_examples": "1.2k",
        "failure_cause": "format",
        "monthly_requests": "",
    }

    assert advisor.validate_form(form) == {}
    [reply] = advisor.handle(Inbound(key=KEY, form=form))

    assert reply.kind is ReplyKind.recommendation
    assert reply.slots is not None and reply.slots.labeled_examples == 1200
    assert len(store.decisions) == 1


def test_an_invalid_form_names_each_bad_field_and_keeps_the_good_ones() -> None:
    advisor = make_advisor()
    form = {"task": "poetry", "success_rate": "170%", "labeled_examples": "300"}

    errors = advisor.validate_form(form)
    assert set(errors) == {"task", "success_rate"}
    assert "classification" in errors["task"]

    [reply] = advisor.handle(Inbound(key=KEY, form=form))
    assert reply.kind is ReplyKind.error
    assert advisor.slots(KEY).labeled_examples == 300


def test_a_what_if_mid_dialogue_is_hypothetical_and_the_question_stays_open() -> None:
    advisor = make_advisor()
    say(advisor, "should we fine-tune our support bot? we have 2000 past tickets")
    asked = state_of(advisor).pending

    what_if, back = say(advisor, "what if we had 10 examples?")

    assert what_if.kind is ReplyKind.what_if
    assert "labeled examples 10 instead of 2,000" in what_if.text
    assert state_of(advisor).slots["labeled_examples"] == 2000
    assert back.kind is ReplyKind.question and back.slot == asked
    assert back.text.startswith("Back to your decision:")
