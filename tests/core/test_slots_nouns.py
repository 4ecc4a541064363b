"""Numbers read with the nouns around them, zero and absence, causes and tasks by meaning.

Phrasings are written here, in other words than any eval file.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.extract import extract

NUMBERS_WITH_NOUNS = [
    (
        "rate-on-n-tickets",
        "we're at 58% on a 60-ticket eval",
        {"success_rate": 0.58, "test_cases": 60},
    ),
    (
        "rate-good-on-samples",
        "it's about 80% good on 35 samples today",
        {"success_rate": 0.8, "test_cases": 35},
    ),
    (
        "decimal-over-docs",
        "0.81 accuracy over 95 test docs",
        {"success_rate": 0.81, "test_cases": 95},
    ),
    ("annotated-k", "we have 2.4k annotated receipts", {"labeled_examples": 2400}),
    ("hand-labelled-tilde", "there are ~1.5k hand-labelled chats", {"labeled_examples": 1500}),
    (
        "labelled-bare",
        "3 prompt tries so far and 450 labelled",
        {"prompt_iterations": 3, "labeled_examples": 450},
    ),
    ("training-pairs", "we collected 900 training pairs", {"labeled_examples": 900}),
    (
        "calls-tokens-years",
        "roughly 150k calls a month at around 2.5k tokens each, over the next 3 years",
        {"monthly_requests": 150000, "tokens_per_request": 2500, "horizon_months": 36},
    ),
    ("queries-per-day", "maybe 3k queries per day", {"monthly_requests": 90000}),
    ("eval-has-cases", "the benchmark has 70 cases, we pass 49 of them", {"test_cases": 70}),
    ("held-out", "64 percent on 180 held-out emails", {"success_rate": 0.64, "test_cases": 180}),
    ("budget", "we could put $1.5k into training", {"training_budget_usd": 1500.0}),
    ("budget-grand", "we'd spend at most 2 grand on training", {"training_budget_usd": 2000.0}),
    ("share-words", "right about two thirds of the time", {"success_rate": 2 / 3}),
    (
        "count-right",
        "evaluated on a set of 250 real tickets: 183 correct",
        {"test_cases": 250, "success_rate": 0.732},
    ),
    (
        "suite-beats-fraction",
        "9 in 10 come out right on our 30-case suite",
        {"success_rate": 0.9, "test_cases": 30},
    ),
    (
        "req-tok",
        "~1k req/day, 600 tok per req",
        {"monthly_requests": 30000, "tokens_per_request": 600},
    ),
    ("possible-outcomes", "there are 14 possible outcomes it picks from", {"categories": 14}),
    ("prompts-so-far", "prompts: 3 so far", {"prompt_iterations": 3}),
    (
        "fraction-then-cases",
        "like 3 out of 5 on the 25 we tried",
        {"success_rate": 0.6, "test_cases": 25},
    ),
    ("f1-after", "we're hitting 0.7 F1", {"success_rate": 0.7}),
    (
        "measured-on",
        "~65% accuracy, measured on 80 tickets",
        {"success_rate": 0.65, "test_cases": 80},
    ),
    (
        "share-of-errors",
        "about 30% of the errors are the same missing-field problem",
        {"success_rate": None},
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(t, e, id=i) for i, t, e in NUMBERS_WITH_NOUNS],
)
def test_a_number_is_read_with_its_noun(text: str, expected: dict[str, Any]) -> None:
    found = extract(text).slots
    assert {s: found.get(s) for s in expected} == pytest.approx(expected)


ZERO = [
    ("not-tested-prompts", "we haven't really tested prompts yet", "prompt_iterations"),
    ("no-prompt-work", "no prompt tuning so far", "prompt_iterations"),
    ("nothing-labelled", "honestly nothing is labelled", "labeled_examples"),
    ("no-data", "we have no training data", "labeled_examples"),
]


@pytest.mark.parametrize(("text", "slot"), [pytest.param(t, s, id=i) for i, t, s in ZERO])
def test_absence_is_zero(text: str, slot: str) -> None:
    assert extract(text).slots.get(slot) == 0


CAUSES = [
    ("vendor-jargon", "it keeps using the wrong vendor jargon", "terminology"),
    ("legal-voice", "it needs to sound like our legal team", "style"),
    ("json-schema", "the JSON breaks the schema", "format"),
    ("pricing-tiers", "the problem is it doesn't know our pricing tiers", "knowledge"),
    ("random", "mistakes look random", "random"),
    ("made-up-policies", "the main issue: it invents return rules we never had", "knowledge"),
    ("too-stiff", "the problem is replies sound stiff and corporate", "style"),
]


@pytest.mark.parametrize(("text", "cause"), [pytest.param(t, c, id=i) for i, t, c in CAUSES])
def test_a_described_failure_cause_is_read_by_meaning(text: str, cause: str) -> None:
    assert extract(text).slots.get("failure_cause") == cause


TASKS = [
    ("refund-agent", "our agent that plans multi-step refunds", "reasoning"),
    ("drafts-contracts", "a tool that drafts contracts for sales", "generation"),
    ("route-into-queues", "it puts incoming mails into 6 queues", "classification"),
    ("labels-listed", "posts get labelled as spam, ok, or unsure", "classification"),
    ("faq-bot", "it's an FAQ bot for our app", "support"),
]


@pytest.mark.parametrize(("text", "task"), [pytest.param(t, k, id=i) for i, t, k in TASKS])
def test_a_described_task_is_read_by_meaning(text: str, task: str) -> None:
    assert extract(text).slots.get("task") == task


NOT_ABOUT_FAILURES = [
    "we have 400 labelled examples and 8 categories",
    "should we fine-tune? the prompt gets 70% right",
    "we plan over two years",
]


@pytest.mark.parametrize("text", NOT_ABOUT_FAILURES)
def test_a_message_not_about_failures_gives_no_cause(text: str) -> None:
    assert "failure_cause" not in extract(text).slots


AMBIGUOUS = ["we have 500", "it's 40 now", "about 1200 I think"]


@pytest.mark.parametrize(
    ("text", "loose"),
    [("we have 500", [500]), ("we run 12 models", []), ("a team of 6", []), ("since 2024", [])],
)
def test_only_a_number_without_a_noun_is_kept_to_offer(text: str, loose: list[int]) -> None:
    assert extract(text).loose == loose


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_a_number_without_a_noun_is_not_guessed(text: str) -> None:
    assert not extract(text).slots


NOT_THE_SLOT = [
    ("years-of-data", "we trained on 5 years of tickets", "horizon_months"),
    ("used-across-teams", "it's used across 3 teams", "categories"),
    ("year-benchmark", "the 2024 benchmark is hard", "test_cases"),
    ("one-of-n", "it sends each ticket to one of 22 components", "success_rate"),
]


@pytest.mark.parametrize(("text", "slot"), [pytest.param(t, s, id=i) for i, t, s in NOT_THE_SLOT])
def test_a_number_that_counts_something_else_fills_no_slot(text: str, slot: str) -> None:
    assert slot not in extract(text).slots
