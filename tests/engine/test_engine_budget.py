"""A stated training budget shapes the headline: which price table makes a run affordable."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine import Approach, DecisionInput, decide

# The case: a 45% style problem, 5 iterations on 50 cases, 600 labeled examples.
# One run on 600 examples of 1,000 tokens: $2,000 in the guide's figures, $45 at GPT-4o's
# 2024-08 list prices (600 x 1,000 tokens x 3 epochs x $25 per 1M).
STYLE_PROBLEM: dict[str, Any] = {
    "task": "generation",
    "success_rate": 0.45,
    "test_cases": 50,
    "prompt_iterations": 5,
    "failure_cause": "style",
    "labeled_examples": 600,
}
BUDGET_RULES = {
    "training.budget_below_every_run",
    "training.budget_short",
    "training.budget_covers_run",
}

# (id, budget, approach, the budget rule that fires, words the headline must carry)
ROWS: list[tuple[str, float | None, Approach, str | None, tuple[str, ...]]] = [
    (
        "below-both-tables-keeps-prompting",
        20,
        Approach.iterate_prompt,
        "training.budget_below_every_run",
        ("Keep improving the prompt", "$20", "$45 at OpenAI's GPT-4o", "$2,000 in the guide's"),
    ),
    (
        "zero-budget-keeps-prompting",
        0,
        Approach.iterate_prompt,
        "training.budget_below_every_run",
        ("Keep improving the prompt", "$0"),
    ),
    (
        "below-the-guide-above-gpt-4o-names-the-table",
        200,
        Approach.fine_tune,
        "training.budget_short",
        ("Fine-tune", "$200", "only at OpenAI's GPT-4o list prices", "about $45", "$2,000"),
    ),
    (
        "exactly-one-gpt-4o-run-is-enough-there",
        45,
        Approach.fine_tune,
        "training.budget_short",
        ("only at OpenAI's GPT-4o list prices",),
    ),
    ("no-budget-says-nothing-about-it", None, Approach.fine_tune, None, ("Fine-tune",)),
    (
        "enough-under-both-tables-is-plain-fine-tune",
        2000,
        Approach.fine_tune,
        "training.budget_covers_run",
        ("Fine-tune",),
    ),
]


@pytest.mark.parametrize(
    ("budget", "approach", "rule", "said"), [pytest.param(*r[1:], id=r[0]) for r in ROWS]
)
def test_a_training_budget_shapes_the_recommendation(
    budget: float | None, approach: Approach, rule: str | None, said: tuple[str, ...]
) -> None:
    rec = decide(DecisionInput(**STYLE_PROBLEM, training_budget_usd=budget))
    assert rec.approach is approach
    assert {r.id for r in rec.rules} & BUDGET_RULES == ({rule} if rule else set())
    for words in said:
        assert words in rec.headline, words


def test_a_budget_enough_everywhere_leaves_the_headline_alone() -> None:
    rich = decide(DecisionInput(**STYLE_PROBLEM, training_budget_usd=5000))
    unstated = decide(DecisionInput(**STYLE_PROBLEM))
    assert rich.headline == unstated.headline
    assert "budget" not in rich.headline.lower()


def test_the_budget_rule_wins_over_the_ceiling_and_the_data_rules() -> None:
    ceiling = STYLE_PROBLEM | {"success_rate": 0.82, "target_success_rate": 0.95}
    assert decide(DecisionInput(**ceiling)).approach is Approach.hybrid
    assert decide(DecisionInput(**ceiling, training_budget_usd=10)).approach is (
        Approach.iterate_prompt
    )
    few = STYLE_PROBLEM | {"labeled_examples": 40}
    assert decide(DecisionInput(**few, training_budget_usd=0)).approach is Approach.iterate_prompt


def test_a_gpt_4o_run_grows_with_the_examples_and_their_tokens() -> None:
    # 5,000 examples of 4,000 tokens: 5,000 x 4,000 x 3 x $25 / 1M = $1,500 at GPT-4o prices.
    big = STYLE_PROBLEM | {"labeled_examples": 5000, "tokens_per_request": 4000}
    rec = decide(DecisionInput(**big, training_budget_usd=1000))
    assert rec.approach is Approach.iterate_prompt
    assert "$1,500 at OpenAI's GPT-4o" in rec.headline


def test_too_small_a_budget_says_how_much_would_do() -> None:
    rec = decide(DecisionInput(**STYLE_PROBLEM, training_budget_usd=20))
    assert rec.next_steps[0].startswith(
        "To fine-tune later, raise the training budget to at least $45"
    )
    texts = [w.text for w in rec.what_would_change]
    assert "With a training budget of $45 or more this becomes fine_tune." in texts


def test_a_budget_one_table_covers_says_how_much_less_would_stop_it() -> None:
    rec = decide(DecisionInput(**STYLE_PROBLEM, training_budget_usd=200))
    texts = [w.text for w in rec.what_would_change]
    assert "With a training budget below $45 this becomes iterate_prompt." in texts
    assert rec.next_steps[0].startswith("Price one run with your provider before you start")
