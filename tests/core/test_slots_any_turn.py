"""Every message fills every slot it states, whatever was asked; links and code never do."""

from __future__ import annotations

from typing import Any

import pytest
from core_fakes import KEY, make_advisor, say

from bot.core.extract import extract
from bot.core.state import DialogueState

OPENING = "should we fine-tune our ticket classifier? the prompt gets 7/10 right"


def slots_after(advisor: Any) -> dict[str, Any]:
    return DialogueState.from_json(advisor.store.load_state(KEY.id)).slots


def test_an_out_of_turn_cause_is_kept_and_the_open_question_asked_again() -> None:
    advisor = make_advisor()
    [question] = say(advisor, OPENING)
    pending = question.slot
    [reply] = say(advisor, "mostly vendor-specific terminology")
    assert "couldn't read" not in reply.text
    assert reply.text.startswith("Got it: failure cause terminology (from ")
    assert slots_after(advisor)["failure_cause"] == "terminology"
    if pending != "failure_cause":
        assert reply.slot == pending  # still missing: asked again


def test_a_correction_wins_over_the_earlier_value() -> None:
    advisor = make_advisor()
    say(advisor, OPENING)
    say(advisor, "actually it's more like 65%")
    assert slots_after(advisor)["success_rate"] == pytest.approx(0.65)


def test_the_reply_names_the_words_a_described_cause_came_from() -> None:
    advisor = make_advisor()
    say(advisor, OPENING)
    [reply] = say(advisor, "it keeps using the wrong vendor jargon")
    assert reply.text.startswith("Got it: failure cause terminology (from '")
    assert "jargon" in reply.text.split("\n")[0]


NOT_PROSE = [
    ("slack-link", "<https://wiki.example.com/evals/2024|our eval report>"),
    ("user-mention", "<@U024BE7LH> can you look"),
    ("channel-mention", "see <#C0123|team-2024>"),
    ("code-span", "we run `v2 config 300` nightly"),
    ("bare-url", "results at https://example.org/runs/4512 today"),
]


@pytest.mark.parametrize(("text"), [t for _, t in NOT_PROSE], ids=[i for i, _ in NOT_PROSE])
@pytest.mark.parametrize("pending", [None, "test_cases", "labeled_examples"])
def test_numbers_in_links_mentions_and_code_never_fill_a_slot(
    text: str, pending: str | None
) -> None:
    found = extract(text, pending).slots
    assert not {s for s in found if s not in ("task", "failure_cause", "language")}


def test_a_number_beside_a_link_is_still_read() -> None:
    text = "numbers in <https://x.example.com/r/2024|the report>: 0.71 accuracy on 140 cases"
    assert extract(text).slots == {"success_rate": pytest.approx(0.71), "test_cases": 140}


def test_a_number_without_a_noun_is_offered_not_filled() -> None:
    advisor = make_advisor()
    [question] = say(advisor, "should we fine-tune our ticket classifier? 7/10 right, we have 500")
    assert "labeled_examples" not in slots_after(advisor)
    assert question.choices[0].label == "500"


def test_an_unsure_cause_is_offered_first_not_filled() -> None:
    from bot.core.slots import choices

    assert choices("failure_cause", "style")[0].value == "style"
    assert choices("failure_cause")[0].value == "knowledge"


def test_asked_for_test_cases_a_cause_is_kept_and_test_cases_asked_again() -> None:
    from datetime import UTC, datetime

    from bot.core.dialogue import step
    from bot.core.messages import Inbound
    from bot.core.state import Phase, Tools
    from bot.engine import decide

    tools = Tools(decide=decide, answer=lambda q: [])
    state = DialogueState(
        phase=Phase.collecting,
        pending="test_cases",
        asked=["test_cases"],
        slots={"task": "classification", "success_rate": 0.7},
    )
    inbound = Inbound(key=KEY, text="mostly vendor-specific terminology")
    state, [reply] = step(state, inbound, datetime.now(UTC), tools)
    assert state.slots["failure_cause"] == "terminology"
    assert "couldn't read" not in reply.text
    assert reply.text.startswith("Got it: failure cause terminology (from 'terminology').")
