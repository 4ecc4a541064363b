"""Conversations that start with a question: answered first, the decision only offered."""

from __future__ import annotations

from core_fakes import KEY, make_advisor, say

from bot.core import texts
from bot.core.messages import ReplyKind
from bot.core.service import Advisor
from bot.core.state import DialogueState, Phase


def phase_of(advisor: Advisor) -> Phase:
    return DialogueState.from_json(advisor.store.load_state(KEY.id)).phase


def test_a_general_question_by_slash_command_is_answered_not_a_dialogue() -> None:
    advisor = make_advisor()

    [answer] = say(advisor, "/advisor how many examples do i need to fine-tune")

    assert answer.kind is ReplyKind.answer
    assert answer.citations
    assert phase_of(advisor) is Phase.idle


def test_a_question_hinting_at_our_case_gets_the_answer_then_one_offer_line() -> None:
    advisor = make_advisor()

    answer, offer = say(advisor, "how many labeled examples would our team need to fine-tune?")

    assert answer.kind is ReplyKind.answer
    assert offer.kind is ReplyKind.info
    assert offer.text == texts.OFFER_DECISION
    assert "\n" not in offer.text
    assert phase_of(advisor) is Phase.idle

    [question] = say(advisor, "we have 300 labeled tickets and prompts get 70% right")

    assert question.kind is ReplyKind.question
    assert question.text.startswith("Got it:")
    assert phase_of(advisor) is Phase.collecting


def test_asking_for_our_decision_starts_the_dialogue() -> None:
    advisor = make_advisor()

    [first] = say(advisor, "should we fine-tune our ticket classifier?")

    assert first.kind is ReplyKind.question
    assert phase_of(advisor) is Phase.collecting


def test_mid_dialogue_a_question_about_our_case_is_answered_without_the_offer() -> None:
    advisor = make_advisor()
    say(advisor, "should we fine-tune our ticket classifier?")

    answer, back = say(advisor, "how many examples do we need to fine-tune?")

    assert answer.kind is ReplyKind.answer
    assert back.kind is ReplyKind.question
    assert back.text.startswith("Back to your decision:")
