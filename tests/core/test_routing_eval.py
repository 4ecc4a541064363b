"""The routing eval counts a message right when it reaches the right place, offer line included."""

from __future__ import annotations

import pytest

from bot.core.meaning import Asks, Reading
from bot.core.routing_eval import RoutingCase, read_cases, report, score


def fake_reader(text: str, has_slots: bool) -> Reading:
    """Reads by one keyword each, so the scoring is what is tested."""
    asks = Asks.decide if "DECIDE" in text else Asks.question
    if "OURS" in text:
        asks = Asks.case_question
    return Reading(asks=asks, confidence=1.0, example="")


CASES = [
    RoutingCase("q1", "what is DECIDE?", "question"),  # routed to the dialogue: wrong
    RoutingCase("q2", "what is lora?", "question"),  # right
    RoutingCase("q3", "what is OURS?", "question", offer=True),  # right, with the offer
    RoutingCase("q4", "what is rag?", "question", offer=True),  # right place, offer missing
    RoutingCase("d1", "DECIDE for us", "decide"),  # right
]


def test_score_counts_the_place_and_the_offer_line_separately() -> None:
    result = score(CASES, fake_reader)

    assert (result.cases, result.right) == (5, 4)
    assert (result.questions, result.offer_right) == (3, 2)
    assert [case.id for case, _ in result.misses] == ["q1", "q4"]


def test_test_split_report_shows_figures_but_never_a_message() -> None:
    result = score(CASES, fake_reader)

    dev = "\n".join(report("dev", result))
    test = "\n".join(report("test", result))

    assert "right 4/5 (80.0%" in test
    assert "what is DECIDE?" in dev
    assert all(case.text not in test for case in CASES)


@pytest.mark.parametrize(
    "line",
    ['{"id": "x", "text": "hi", "label": "maybe"}', '{"id": "x", "label": "question"}'],
    ids=["unknown-label", "no-text"],
)
def test_a_bad_line_is_refused(line: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        read_cases([line])
