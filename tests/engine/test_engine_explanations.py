"""What the engine asks for next, and what it says would change its answer."""

from __future__ import annotations

from bot.engine import Approach, DecisionInput, decide

READY = dict(
    task="extraction",
    success_rate=0.6,
    test_cases=30,
    prompt_iterations=4,
    failure_cause="format",
)


def test_nothing_known_asks_in_the_flowcharts_order() -> None:
    asked = [m.slot for m in decide(DecisionInput()).missing]
    assert asked[:4] == ["success_rate", "test_cases", "prompt_iterations", "failure_cause"]
    assert "labeled_examples" in asked


def test_the_ticket_classifier_is_asked_why_its_failures_happen() -> None:
    rec = decide(
        DecisionInput(
            task="classification",
            success_rate=0.7,
            test_cases=10,
            prompt_iterations=4,
            labeled_examples=300,
            categories=10,
        )
    )
    assert rec.approach is Approach.iterate_prompt
    assert rec.missing[0].slot == "failure_cause"
    assert "if the failure cause were format, this becomes collect_data" in rec.missing[0].why


def test_done_on_enough_cases_asks_for_nothing() -> None:
    rec = decide(DecisionInput(success_rate=0.85, test_cases=20))
    assert rec.approach is Approach.done
    assert rec.missing == []


def test_an_unmeasured_rate_asks_for_the_number_of_test_cases() -> None:
    rec = decide(DecisionInput(success_rate=0.85))
    assert [m.slot for m in rec.missing] == ["test_cases"]
    assert "with 5 test cases this becomes iterate_prompt" in rec.missing[0].why


def test_training_answers_ask_for_cost_slots_last() -> None:
    rec = decide(DecisionInput(**READY, labeled_examples=300))
    asked = [m.slot for m in rec.missing]
    assert asked[-3:] == ["monthly_requests", "tokens_per_request", "training_budget_usd"]


def test_with_100_labeled_examples_this_becomes_fine_tune() -> None:
    rec = decide(DecisionInput(**READY, labeled_examples=40))
    assert rec.approach is Approach.collect_data
    texts = [w.text for w in rec.what_would_change]
    assert "With 100+ labeled examples this becomes fine_tune." in texts


def test_the_nearest_threshold_below_is_named_not_a_farther_one() -> None:
    rec = decide(DecisionInput(success_rate=0.93, target_success_rate=0.97, test_cases=12))
    rate_changes = [w for w in rec.what_would_change if w.slot == "success_rate"]
    assert [w.text for w in rate_changes] == [
        "With a success rate below 90% this becomes iterate_prompt."
    ]


def test_a_classifier_is_told_how_many_categories_its_data_supports() -> None:
    slots = READY | {"task": "classification", "categories": 5, "labeled_examples": 700}
    rec = decide(DecisionInput(**slots))
    assert rec.approach is Approach.fine_tune
    texts = [w.text for w in rec.what_would_change]
    assert "With more than 7 categories this becomes collect_data." in texts
    assert "With fewer than 500 labeled examples this becomes collect_data." in texts
