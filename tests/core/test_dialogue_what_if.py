"""A what-if says what moved; "details" (word or button) shows that hypothetical in full."""

from __future__ import annotations

import pytest
from core_fakes import KEY, make_advisor, say

from bot.core.messages import Inbound, ReplyKind
from bot.core.moves import MAX_REASONS, cost_lines
from bot.core.router import Intent, route
from bot.core.service import Advisor
from bot.core.state import DialogueState
from bot.engine import DecisionInput, decide
from bot.engine.models import Approach

TICKETS = (
    "should we fine-tune our ticket classifier? prompts get 7/10 right after 4 rounds, "
    "we have ~300 labeled tickets across 10 categories, about 50k requests a month"
)


def recommended() -> Advisor:
    """A conversation at 'collect data first' (a 10-class classifier with 300 examples)."""
    advisor = make_advisor()
    say(advisor, TICKETS)
    say(advisor, "wrong JSON format")
    [rec] = say(advisor, "just decide")
    assert rec.recommendation is not None
    assert rec.recommendation.approach is Approach.collect_data
    return advisor


def test_a_what_if_lists_what_moved_in_words() -> None:
    [reply] = say(recommended(), "what if we had 1000 examples?")

    assert reply.kind is ReplyKind.what_if
    assert "Fine-tune: your best prompt is stuck at 70%" in reply.text
    assert reply.changes[0] == "Approach: Collect training data first → Fine-tune"
    assert reply.changes[1].startswith("New: Your best prompt gets 70% (7 of 10)")
    assert reply.changes[2].startswith("No longer: A classifier with 10 categories needs")
    assert len([c for c in reply.changes if c.startswith(("New:", "No longer:", "Now:"))]) <= (
        MAX_REASONS
    )
    # One run on 1,000 examples instead of 300 at GPT-4o's per-token price: $52.50 more.
    assert (
        "Cost over 12 months, OpenAI's GPT-4o list prices (2024-08): fine-tuning $3,960 → $4,012"
        in reply.changes
    )
    assert not any("guide's figures" in c for c in reply.changes)  # a flat $2,000 run: no move


def test_a_what_if_that_moves_nothing_says_the_approach_stays() -> None:
    [reply] = say(recommended(), "what if we had 400 examples?")
    assert reply.changes[0] == "Approach stays: Collect training data first"


@pytest.mark.parametrize("word", ["details", "Details", "show me the details", "full card"])
def test_details_after_a_what_if_shows_that_hypothetical_in_full(word: str) -> None:
    advisor = recommended()
    say(advisor, "what if we had 1000 examples?")

    [full] = say(advisor, word)

    assert full.kind is ReplyKind.info  # shown, not recorded as a new decision
    assert full.recommendation is not None
    assert full.recommendation == decide(full.recommendation.input)
    assert full.recommendation.approach is Approach.fine_tune
    assert full.recommendation.input.labeled_examples == 1000
    assert "labeled examples 1,000 instead of 300" in full.text
    state = DialogueState.from_json(advisor.store.load_state(KEY.id))
    assert state.slots["labeled_examples"] == 300


def test_the_details_button_does_what_the_word_does() -> None:
    advisor = recommended()
    say(advisor, "what if we had 1000 examples?")

    [full] = advisor.handle(Inbound(key=KEY, action="details"))

    assert full.recommendation is not None
    assert full.recommendation.input.labeled_examples == 1000


def test_after_a_correction_details_shows_the_real_recommendation() -> None:
    advisor = recommended()
    say(advisor, "what if we had 1000 examples?")
    say(advisor, "actually it's 500 examples")

    [full] = say(advisor, "details")

    assert full.recommendation is not None
    assert full.recommendation.input.labeled_examples == 500
    assert full.text == "**Your recommendation in full.**"


def test_details_before_any_recommendation_says_there_is_none_and_asks_again() -> None:
    advisor = make_advisor()
    say(advisor, "help me decide")

    nothing, back = say(advisor, "details")

    assert nothing.recommendation is None
    assert "no recommendation" in nothing.text
    assert back.kind is ReplyKind.question


@pytest.mark.parametrize(
    "text", ["details", "show details", "the full recommendation", "see the full card please"]
)
def test_details_words_route_to_details(text: str) -> None:
    assert route(text, in_dialogue=False, recommended=True, has_slots=False) is Intent.details


def test_cost_lines_appear_when_volume_is_new_and_go_when_it_is_gone() -> None:
    base = dict(task="generation", success_rate=0.5, test_cases=40, prompt_iterations=5)
    without = decide(DecisionInput(**base))
    with_volume = decide(DecisionInput(**base, monthly_requests=10_000))
    [guide, gpt4o] = cost_lines(without.cost, with_volume.cost)
    assert guide.startswith("Cost over 12 months, the guide's figures: fine-tuning $")
    assert "OpenAI's GPT-4o list prices (2024-08): fine-tuning $" in gpt4o
    assert cost_lines(with_volume.cost, without.cost) == [
        "No cost estimate: it needs your monthly requests."
    ]
