"""A message that asks two things gets both answered, each from its own section.

The questions here are written for these tests (not taken from the eval files).
"""

from __future__ import annotations

import re

import pytest

from bot.rag.knowledge import KnowledgeBase
from bot.rag.parts import split_parts


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        (
            "whats a hold-out set? also what does training gpt-4o cost",
            ["whats a hold-out set", "what does training gpt-4o cost"],
        ),
        (
            "how big should the dataset be, and how long does a first run take",
            ["how big should the dataset be", "how long does a first run take"],
        ),
        (
            "3 qs: whats lora; is it cheaper; when do we retrain",
            ["whats lora, is it cheaper", "when do we retrain"],  # "it" goes with lora
        ),
        (
            "rag: how does it work and what does it cost",
            ["rag: how does it work", "rag: what does it cost"],
        ),
    ],
)
def test_a_message_is_split_where_a_second_question_starts(message: str, parts: list[str]) -> None:
    assert split_parts(message) == parts


@pytest.mark.parametrize(
    "message",
    [
        "what does fine-tuning cost?",
        "prompting vs fine tuning, which first",
        "what is rag and how does it differ from fine-tuning",  # "it" points back
        "pros and cons of lora",
        "how long? and why?",  # too short to be two questions
    ],
)
def test_a_single_question_stays_whole(message: str) -> None:
    assert split_parts(message) == [message]


def test_two_questions_get_two_answers_with_a_citation_each(shipped: KnowledgeBase) -> None:
    answer = shipped.answer(
        "whats the smallest training set for a fine-tune, and how often do we retrain it"
    )

    assert not answer.abstained
    assert "100 examples" in answer.answer and "retrain" in answer.answer.lower()
    assert len(answer.sources) == 2
    assert re.findall(r"\[(\d)\]", answer.answer) == ["1", "2"]
    assert len(answer.answer) <= 600


def test_a_follow_up_part_keeps_the_topic_of_the_first(shipped: KnowledgeBase) -> None:
    answer = shipped.answer(
        "lora, what is it exactly? and how much data do we need for fine-tuning"
    )

    assert "Low-Rank Adaptation" in answer.answer  # the first part's answer
    assert re.search(r"labeled examples \(100-|100 examples", answer.answer)  # the data part
    assert len(answer.sources) == 2


def test_an_off_topic_part_leaves_the_covered_part_answered(shipped: KnowledgeBase) -> None:
    whole = shipped.answer("whats the wifi password, and what does a fine-tuning run cost")

    assert not whole.abstained and "$500-$5000" in whole.answer
    # nothing quoted for the wifi: every cited section is about costs
    assert whole.sources and all("cost" in s.heading.lower() for s in whole.sources)
