"""Causes and tasks read by meaning, horizons, traffic and rates with their context words.

Phrasings are written here, in other words than any eval file or training example.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core import classify
from bot.core.extract import extract
from bot.core.flow import apply, ask
from bot.core.state import DialogueState

# --- the cause and task readers -------------------------------------------------------


@pytest.mark.parametrize("slot", ["failure_cause", "task"])
def test_held_out_examples_are_mostly_read_right(slot: str) -> None:
    """Each bundled example read by readers fitted without it: a floor on the data's quality."""
    result = classify.cross_validate(slot)
    filled = result.filled_right + result.filled_wrong
    assert result.examples > 300
    assert result.top_right / result.examples >= 0.75
    assert result.filled_right / filled >= 0.85
    assert result.filled_right / result.stated >= 0.4


def test_cross_validation_leaves_the_reader_as_it_was() -> None:
    text = "the sums on the invoice never match the line items"
    before = classify.best_reading("failure_cause", text)
    classify.cross_validate("failure_cause")
    assert classify.best_reading("failure_cause", text) == before


def test_a_list_after_a_comma_stays_with_its_clause() -> None:
    text = "it adds shipping, tax and duties, then the total is off"
    parts = [text[s:e] for s, e in classify.clauses(text)]
    assert parts == ["it adds shipping, tax and duties", "then the total is off"]


CAUSES_WITH_FAILURE_WORDS = [
    ("made-up-facts", "the bot makes up opening hours for our branches", "knowledge"),
    ("names-nobody-uses", "it keeps calling our pallets by names nobody here uses", "terminology"),
    ("stiff-voice", "the problem: every reply comes across as a stiff legal memo", "style"),
    ("nested-fields", "the problem is that the fields come back nested wrong", "format"),
]


@pytest.mark.parametrize(
    ("text", "cause"), [pytest.param(t, c, id=i) for i, t, c in CAUSES_WITH_FAILURE_WORDS]
)
def test_a_described_cause_with_failure_words_is_filled(text: str, cause: str) -> None:
    assert extract(text).slots.get("failure_cause") == cause


@pytest.mark.parametrize(
    ("text", "likely"),
    [
        ("our replies use a warm, playful voice", "style"),
        ("the output must be json with three fields", "format"),
    ],
)
def test_a_requirement_is_no_failure_cause_but_is_offered_first(text: str, likely: str) -> None:
    found = extract(text)
    assert "failure_cause" not in found.slots
    assert found.likely["failure_cause"] == likely
    state = DialogueState()
    apply(state, found)
    question = ask(state, "failure_cause", "Why do the failing cases fail?")
    assert question.choices[0].value == likely


def test_asked_for_the_cause_a_description_fills_it_and_says_no_task() -> None:
    found = extract("it calls our warehouse zones by names nobody here uses", "failure_cause")
    assert found.slots == {"failure_cause": "terminology"}


TASKS_DESCRIBED = [
    ("regional-teams", "it decides which of our 4 regional teams handles a lead", "classification"),
    ("manuals-into-english", "a bot that turns Finnish manuals into English", "translation"),
]


@pytest.mark.parametrize(
    ("text", "task"), [pytest.param(t, k, id=i) for i, t, k in TASKS_DESCRIBED]
)
def test_a_described_task_is_filled(text: str, task: str) -> None:
    assert extract(text).slots.get("task") == task


def test_naming_the_language_of_the_replies_is_no_translation() -> None:
    found = extract("our shoppers write in Italian and expect replies in Italian")
    assert found.slots == {"language": "it"}
    assert found.likely.get("task") != "translation"


# --- horizons, traffic, rates -------------------------------------------------------

HORIZONS = [
    ("hyphen-years", "let's use a three-year window", 36),
    ("glued", "think 30mo", 30),
    ("year-and-half", "over a year and a half", 18),
    ("coming-year", "just for the coming year", 12),
    ("mo-abbreviation", "compare across 48 mo", 48),
    ("after-past-span", "we've been live for 7 months; plan for the next 4 years", 48),
]


@pytest.mark.parametrize(("text", "months"), [pytest.param(t, m, id=i) for i, t, m in HORIZONS])
def test_a_horizon_is_read_with_its_unit(text: str, months: int) -> None:
    assert extract(text).slots.get("horizon_months") == months


NO_HORIZON = [
    ("launch-date", "we go live in 5 months"),
    ("deadline-within", "it must be shipped within 3 months"),
    ("rhythm", "we re-label data every 4 months"),
    ("past-span", "we ran the pilot for 9 months"),
    ("span-now", "it has been 14 months now"),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in NO_HORIZON])
def test_a_date_rhythm_or_past_span_is_no_horizon(text: str) -> None:
    assert "horizon_months" not in extract(text).slots


TRAFFIC: list[tuple[str, str, dict[str, Any]]] = [
    ("any-noun-per-week", "around 450 purchase orders/wk", {"monthly_requests": 1950}),
    ("noun-daily", "we scan 90 contracts daily", {"monthly_requests": 2700}),
    ("each-month-first", "every month roughly 12k lookups", {"monthly_requests": 12000}),
    ("active-users", "we have 8k monthly active users", {"monthly_requests": None}),
    ("per-person", "every agent sends about 40 requests a day", {"monthly_requests": None}),
    ("per-store", "60 orders a day per shop", {"monthly_requests": None}),
    ("people-per-week", "we onboard 30 customers a week", {"monthly_requests": 130}),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in TRAFFIC])
def test_traffic_is_things_handled_per_time_not_people(text: str, expected: dict[str, Any]) -> None:
    found = extract(text).slots
    assert {s: found.get(s) for s in expected} == expected


RATES: list[tuple[str, str, dict[str, Any]]] = [
    ("from-to", "we moved accuracy from 48% to 63%", {"success_rate": 0.63}),
    ("was-now", "accuracy was at 0.55 last month and 0.67 now", {"success_rate": 0.67}),
    ("up-from", "we're at 74%, up from 61%", {"success_rate": 0.74}),
    (
        "was-on-cases",
        "accuracy was 59% on 120 emails",
        {"success_rate": 0.59, "test_cases": 120},
    ),
    ("rating", "reviewers rated it 3.5/5", {"test_cases": None}),
    ("average", "answers score 4/5 on average", {"test_cases": None}),
    (
        "picks-one",
        "it files each claim under 1 of 9 reasons",
        {"success_rate": None, "categories": 9},
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in RATES])
def test_a_rate_is_the_latest_one_and_a_rating_counts_no_cases(
    text: str, expected: dict[str, Any]
) -> None:
    found = extract(text).slots
    assert {s: found.get(s) for s in expected} == pytest.approx(expected)


CATEGORY_COUNTS = [
    ("n-class", "it's a 9-class problem", 9),
    ("from-areas", "the model picks from 13 product areas", 13),
    ("one-of-any", "each line goes to one of 35 ledger accounts", 35),
    ("which-of", "it chooses which of our 4 depots ships the order", 4),
    ("intent-labels", "there are 17 intent labels", 17),
    ("label-set", "our label set has 21 entries", 21),
]


@pytest.mark.parametrize(("text", "n"), [pytest.param(t, n, id=i) for i, t, n in CATEGORY_COUNTS])
def test_a_set_of_choices_counts_categories(text: str, n: int) -> None:
    found = extract(text).slots
    assert (found.get("categories"), found.get("task")) == (n, "classification")


NOT_CATEGORIES = [
    ("many-labels", "so far we have 3k labels"),
    ("types-of", "there are 3 types of errors"),
    ("one-of-people", "one of our 2 engineers checks the output"),
    ("one-of-issues", "that's one of the 4 biggest issues"),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in NOT_CATEGORIES])
def test_other_counts_are_no_categories(text: str) -> None:
    assert "categories" not in extract(text).slots


FAILING_SHARES = [
    ("need-edits", "2 out of 5 replies need edits", 0.6),
    ("rejected", "about 25% of our drafts get rejected", 0.75),
    ("escalated", "35% of chats get escalated to a human", 0.65),
]


@pytest.mark.parametrize(("text", "rate"), [pytest.param(t, r, id=i) for i, t, r in FAILING_SHARES])
def test_a_share_that_needs_a_human_is_the_failing_part(text: str, rate: float) -> None:
    assert extract(text).slots.get("success_rate") == pytest.approx(rate)


TASK_WORDS_USED_OTHERWISE = [
    ("tldr", "tl;dr: we have a bot that helps members with billing questions", "support"),
    ("customers-generate", "our customers generate ~8k tickets a month", None),
    ("translates-to", "which translates to about 90k calls a month", None),
    ("lead-generation", "it's part of our lead generation funnel", None),
    ("generates-variants", "it generates 3 subject lines per campaign", "generation"),
    ("sorted-the-failures", "we categorised the failures by hand last week", None),
    ("built-a-data-set", "we extracted about 900 examples from our CRM logs", None),
    ("generative-ai", "we're new to generative AI", None),
    ("extracts-fields", "it extracts the policy holder from claim forms", "extraction"),
]


@pytest.mark.parametrize(
    ("text", "task"), [pytest.param(t, k, id=i) for i, t, k in TASK_WORDS_USED_OTHERWISE]
)
def test_a_task_word_used_for_something_else_names_no_task(text: str, task: str | None) -> None:
    assert extract(text).slots.get("task") == task


TARGETS = [
    ("happy-at", "we'd be happy at 88%", 0.88),
    ("or-better", "93% or better", 0.93),
    ("shooting", "we're shooting for 91%", 0.91),
    ("to-reach", "hoping to reach 94% by spring", 0.94),
    ("would-make", "96% would make support happy", 0.96),
    ("before-launch", "legal wants 97% before we launch", 0.97),
    ("bare-target", "target 85", 0.85),
    ("bare-need", "we need it at 92", 0.92),
]


@pytest.mark.parametrize(("text", "rate"), [pytest.param(t, r, id=i) for i, t, r in TARGETS])
def test_a_wished_for_share_is_the_target(text: str, rate: float) -> None:
    found = extract(text).slots
    assert found.get("target_success_rate") == pytest.approx(rate)
    assert "success_rate" not in found


@pytest.mark.parametrize(
    ("text", "rate"),
    [("we reached 71% last week", 0.71), ("happy with where we are: 72% on 50", 0.72)],
)
def test_a_reached_share_is_no_target(text: str, rate: float) -> None:
    found = extract(text).slots
    assert (found.get("success_rate"), found.get("target_success_rate")) == (rate, None)


@pytest.mark.parametrize(
    "text",
    [
        # each read as random slips before
        "sorting claims into 6 buckets, and when it is wrong it is always one identical error",
        "sorting claims into 6 buckets and it repeats the same error every time",
        "routing emails to 4 teams, and each miss is the same confusion between two of them",
    ],
)
def test_failures_that_repeat_one_pattern_are_not_random(text: str) -> None:
    assert extract(text).slots.get("failure_cause") != "random"
