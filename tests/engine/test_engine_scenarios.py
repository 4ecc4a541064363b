"""The guide's five scenarios and every flowchart boundary, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine import Approach, DecisionInput, decide

# Ready for fine-tuning: measured on 30 cases, 4 iterations, a systematic cause, 300 examples.
READY: dict[str, Any] = {
    "task": "extraction",
    "success_rate": 0.6,
    "test_cases": 30,
    "prompt_iterations": 4,
    "failure_cause": "format",
    "labeled_examples": 300,
}


def run(**slots: Any) -> tuple[Approach, list[str]]:
    rec = decide(DecisionInput(**slots))
    return rec.approach, [rule.id for rule in rec.rules]


SCENARIOS = [
    pytest.param(
        dict(
            task="extraction",
            success_rate=0.6,
            test_cases=30,
            prompt_iterations=5,
            failure_cause="terminology",  # "domain-specific variations"
            labeled_examples=300,
        ),
        Approach.fine_tune,
        "scenario.pdf_extraction",
        id="pdf-extraction-stalled-at-60-percent-fine-tunes",
    ),
    pytest.param(
        dict(
            task="classification",
            success_rate=0.75,
            test_cases=40,
            prompt_iterations=2,
            labeled_examples=300,
            categories=10,
        ),
        Approach.iterate_prompt,
        "scenario.ticket_classification",
        id="ticket-classification-stays-with-prompting",
    ),
    pytest.param(
        dict(
            task="generation",
            success_rate=0.5,
            test_cases=40,
            prompt_iterations=5,
            failure_cause="style",
            labeled_examples=500,
            training_budget_usd=2000,
        ),
        Approach.fine_tune,
        "scenario.legal_clauses",
        id="legal-clauses-500-documents-fine-tunes",
    ),
    pytest.param(
        dict(task="summarization", success_rate=0.92, test_cases=50, prompt_iterations=3),
        Approach.done,
        "scenario.research_summaries",
        id="research-summaries-at-92-percent-are-done",
    ),
    pytest.param(
        dict(
            task="translation",
            success_rate=0.88,
            test_cases=50,
            prompt_iterations=4,
            target_success_rate=0.95,  # the scenario fine-tunes the last 12%: it needs them
            failure_cause="terminology",
            systematic_failure_share=0.12,
            labeled_examples=200,
        ),
        Approach.hybrid,
        "scenario.technical_translation",
        id="technical-translation-88-percent-with-12-percent-edge-cases-is-hybrid",
    ),
]


@pytest.mark.parametrize(("slots", "approach", "scenario_rule"), SCENARIOS)
def test_the_guides_scenarios_get_the_guides_answer(
    slots: dict[str, Any], approach: Approach, scenario_rule: str
) -> None:
    got, rules = run(**slots)
    assert got is approach
    assert scenario_rule in rules


DONE, ITERATE, RAG, COLLECT = (
    Approach.done,
    Approach.iterate_prompt,
    Approach.add_rag,
    Approach.collect_data,
)
FT, HYBRID, RETHINK = Approach.fine_tune, Approach.hybrid, Approach.rethink
CONSIDER = "flowchart.consider_fine_tuning"

# (readable id, change to READY, expected approach, a rule that must fire)
BOUNDARY_ROWS: list[tuple[str, dict[str, Any], Approach, str]] = [
    # success rate against the default 80% target
    ("rate-0.79-below-target-fine-tunes", {"success_rate": 0.79}, FT, CONSIDER),
    ("rate-0.80-is-8-of-10-done", {"success_rate": 0.8}, DONE, "flowchart.stop_at_target"),
    ("rate-0.85-done", {"success_rate": 0.85}, DONE, "flowchart.stop_at_target"),
    ("rate-0.90-passes-the-90-percent-test", {"success_rate": 0.9}, DONE, "ninety_percent.works"),
    # a higher target: the 80-85% ceiling means hybrid, the 90% test still stops
    (
        "target-95-rate-0.79-fails-over-20-percent-fine-tunes",
        {"success_rate": 0.79, "target_success_rate": 0.95},
        FT,
        CONSIDER,
    ),
    (
        "target-95-rate-0.80-exactly-20-percent-failing-is-hybrid",
        {"success_rate": 0.8, "target_success_rate": 0.95},
        HYBRID,
        "combining.ceiling",
    ),
    (
        "target-95-rate-0.85-ceiling-is-hybrid",
        {"success_rate": 0.85, "target_success_rate": 0.95},
        HYBRID,
        "combining.ceiling",
    ),
    (
        "target-95-rate-0.90-90-percent-test-wins",
        {"success_rate": 0.9, "target_success_rate": 0.95},
        DONE,
        "ninety_percent.works",
    ),
    (
        "pdf-bar-85-rate-0.84-is-hybrid",
        {"success_rate": 0.84, "target_success_rate": 0.85},
        HYBRID,
        "combining.ceiling",
    ),
    (
        "pdf-bar-85-rate-0.85-done",
        {"success_rate": 0.85, "target_success_rate": 0.85},
        DONE,
        "flowchart.stop_at_target",
    ),
    (
        "lower-target-0.60-rate-0.65-done",
        {"success_rate": 0.65, "target_success_rate": 0.6},
        DONE,
        "flowchart.stop_at_target",
    ),
    # the 90% test: 90% failing
    ("rate-0.10-90-percent-fail-rethink", {"success_rate": 0.1}, RETHINK, "ninety_percent.fails"),
    ("rate-0-rethink", {"success_rate": 0.0}, RETHINK, "ninety_percent.fails"),
    ("rate-0.11-not-rethink", {"success_rate": 0.11}, FT, CONSIDER),
    # prompt iterations: 3-5 before fine-tuning
    ("2-iterations-keep-iterating", {"prompt_iterations": 2}, ITERATE, "flowchart.keep_iterating"),
    ("3-iterations-consider-fine-tuning", {"prompt_iterations": 3}, FT, CONSIDER),
    ("5-iterations-consider-fine-tuning", {"prompt_iterations": 5}, FT, CONSIDER),
    (
        "unknown-iterations-keep-iterating",
        {"prompt_iterations": None},
        ITERATE,
        "flowchart.keep_iterating",
    ),
    # a success rate needs 10+ test cases
    ("9-test-cases-do-not-count", {"test_cases": 9}, ITERATE, "measuring.ten_cases"),
    ("10-test-cases-count", {"test_cases": 10}, FT, CONSIDER),
    (
        "9-of-9-right-is-not-yet-done",
        {"test_cases": 9, "success_rate": 1.0},
        ITERATE,
        "measuring.ten_cases",
    ),
    ("no-rate-measure-first", {"success_rate": None}, ITERATE, "flowchart.measure_first"),
    # labeled examples: at least 100, ideally 500
    ("99-examples-collect-data", {"labeled_examples": 99}, COLLECT, "data.minimum_100"),
    ("100-examples-fine-tune-below-ideal", {"labeled_examples": 100}, FT, "data.below_ideal"),
    ("499-examples-below-ideal", {"labeled_examples": 499}, FT, "data.below_ideal"),
    ("500-examples-ideal", {"labeled_examples": 500}, FT, "data.ideal"),
    ("unknown-examples-collect-data", {"labeled_examples": None}, COLLECT, "data.minimum_100"),
    # per category for a classifier: 10 categories x 100
    (
        "10-categories-999-examples-collect-data",
        {"task": "classification", "categories": 10, "labeled_examples": 999},
        COLLECT,
        "data.per_category_minimum",
    ),
    (
        "10-categories-1000-examples-fine-tune",
        {"task": "classification", "categories": 10, "labeled_examples": 1000},
        FT,
        "data.below_ideal",
    ),
    (
        "10-categories-5000-examples-ideal",
        {"task": "classification", "categories": 10, "labeled_examples": 5000},
        FT,
        "data.ideal",
    ),
    # systematic problems affecting 10%+ of cases
    (
        "9-percent-systematic-keep-iterating",
        {"failure_cause": None, "systematic_failure_share": 0.09},
        ITERATE,
        "fine_tuning.under_10_percent",
    ),
    (
        "10-percent-systematic-fine-tune",
        {"failure_cause": None, "systematic_failure_share": 0.1},
        FT,
        "fine_tuning.systematic",
    ),
    (
        "random-failures-keep-iterating",
        {"failure_cause": "random"},
        ITERATE,
        "fine_tuning.random_failures",
    ),
    (
        "unexplained-failures-keep-iterating",
        {"failure_cause": None},
        ITERATE,
        "fine_tuning.cause_unknown",
    ),
    (
        "cause-said-unknown-keep-iterating",
        {"failure_cause": "unknown"},
        ITERATE,
        "fine_tuning.cause_unknown",
    ),
    # RAG before fine-tuning when knowledge is missing
    (
        "missing-knowledge-add-rag-first",
        {"failure_cause": "knowledge", "labeled_examples": 5000},
        RAG,
        "rag.knowledge_first",
    ),
    # localization: Japanese, Chinese, Korean
    (
        "japanese-unexplained-failures-count-as-systematic",
        {"failure_cause": None, "language": "ja"},
        FT,
        "regional.language_specific_failures",
    ),
    (
        "german-unexplained-failures-keep-iterating",
        {"failure_cause": None, "language": "de"},
        ITERATE,
        "regional.other_language",
    ),
    # money and maintenance
    (
        "budget-under-a-training-run-is-flagged",
        {"training_budget_usd": 1999},
        FT,
        "training.budget_short",
    ),
    ("two-year-horizon-retrains", {"horizon_months": 24}, FT, "maintenance.retrain"),
    ("reasoning-failures-largest-model", {"failure_cause": "reasoning"}, FT, "model.largest"),
]
BOUNDARIES = [pytest.param(*row[1:], id=row[0]) for row in BOUNDARY_ROWS]


@pytest.mark.parametrize(("change", "approach", "rule"), BOUNDARIES)
def test_flowchart_boundaries(change: dict[str, Any], approach: Approach, rule: str) -> None:
    got, rules = run(**(READY | change))
    assert got is approach
    assert rule in rules


def test_a_budget_that_covers_a_training_run_is_not_flagged() -> None:
    _, rules = run(**(READY | {"training_budget_usd": 2000}))
    assert "training.budget_short" not in rules


def test_the_first_rule_is_the_one_that_chose_the_approach() -> None:
    rec = decide(DecisionInput(**READY))
    assert rec.rules[0].id == "flowchart.consider_fine_tuning"
    assert "60% (18 of 30) after 4 iterations, below the 80% target" in rec.rules[0].reason


def test_reasons_use_the_teams_own_numbers() -> None:
    rec = decide(
        DecisionInput(
            task="classification",
            success_rate=0.7,
            test_cases=10,
            prompt_iterations=4,
            failure_cause="terminology",
            labeled_examples=300,
            categories=10,
        )
    )
    reasons = {rule.id: rule.reason for rule in rec.rules}
    assert rec.approach is Approach.collect_data
    assert (
        "70% (7 of 10) after 4 iterations, below the 80% target"
        in reasons["flowchart.below_target"]
    )
    assert "10 categories" in reasons["data.per_category_minimum"]
    assert "(1,000); you have 300" in reasons["data.per_category_minimum"]


@pytest.mark.parametrize(
    ("approach_slots", "expected_step"),
    [
        pytest.param(
            {"success_rate": 0.7, "prompt_iterations": 1}, "3-5 prompt variations", id="iterate"
        ),
        pytest.param({}, "hold-out set", id="fine-tune"),
        pytest.param({"labeled_examples": 40}, "at least 100 labeled", id="collect-data"),
        pytest.param({"failure_cause": "knowledge"}, "(RAG)", id="add-rag"),
        pytest.param({"success_rate": 0.05}, "larger or different base model", id="rethink"),
        pytest.param({"success_rate": 0.95}, "regression set", id="done"),
    ],
)
def test_next_steps_are_concrete(approach_slots: dict[str, Any], expected_step: str) -> None:
    rec = decide(DecisionInput(**(READY | approach_slots)))
    assert any(expected_step in step for step in rec.next_steps), rec.next_steps
