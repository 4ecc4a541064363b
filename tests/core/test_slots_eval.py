"""`advisor eval --slots`: per-slot precision and recall on both splits; test texts never shown."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.core.slot_eval import SlotCase, same_value, score


def test_eval_slots_prints_both_splits_and_no_test_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["eval", "--slots"])
    lines = capsys.readouterr().out.splitlines()

    assert code == 0
    [dev] = [i for i, line in enumerate(lines) if line.startswith("slots dev: precision ")]
    [test] = [i for i, line in enumerate(lines) if line.startswith("slots test: precision ")]
    assert dev < test
    after = lines[test + 1 :]
    assert after and all("precision" in line and "miss" not in line for line in after)


VALUES = [
    ("success_rate", 0.7, 0.704, True),
    ("success_rate", 0.7, 0.71, False),
    ("test_cases", 40, 40, True),
    ("test_cases", 40, 41, False),
    ("failure_cause", "style", "style", True),
    ("task", "reasoning", "generation", False),
]


@pytest.mark.parametrize(("slot", "want", "got", "same"), VALUES)
def test_values_compare_exactly_except_rates(
    slot: str, want: object, got: object, same: bool
) -> None:
    assert same_value(slot, want, got) is same


def test_a_wrong_slot_costs_precision_and_a_missing_one_recall() -> None:
    cases = [
        SlotCase("a", "we have 300 labelled examples", {"labeled_examples": 300}),
        SlotCase("b", "we have 300 labelled examples", {"labeled_examples": 200}),
        SlotCase("c", "hello there", {"test_cases": 50}),
    ]
    result = score(cases)
    assert (result.overall.right, result.overall.found, result.overall.expected) == (1, 2, 3)
    assert result.per_slot["test_cases"].recall == 0.0
