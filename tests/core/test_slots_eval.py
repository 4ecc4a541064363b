"""`advisor eval --slots`: per-slot precision and recall on both splits; test texts never shown."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.classify import clauses
from bot.core.slot_eval import SPLITS, SlotCase, same_value, score


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


def test_eval_slots_prints_the_readers_cross_validation_with_the_dev_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["eval", "--slots"])
    lines = capsys.readouterr().out.splitlines()
    [test] = [i for i, line in enumerate(lines) if line.startswith("slots test: precision ")]
    folds = [i for i, line in enumerate(lines) if "-fold on " in line]
    assert [lines[i].split()[0] for i in folds] == ["failure_cause", "task"]
    assert all(i < test for i in folds)
    assert all("above threshold precision" in lines[i] for i in folds)


def _said(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_no_training_example_repeats_an_eval_message() -> None:
    """The readers learn from examples written apart from the eval: none is an eval message
    or a clause of one (compared by digest, so a failure never prints an eval message)."""
    eval_texts = [
        json.loads(line)["text"]
        for path in SPLITS.values()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    seen = {
        hashlib.sha256(_said(part).encode()).hexdigest()
        for text in eval_texts
        for part in [text, *(text[s:e] for s, e in clauses(text))]
    }
    data = Path(__file__).parents[2] / "bot" / "core" / "data"
    for name in ("causes.jsonl", "tasks.jsonl"):
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                example = json.loads(line)["text"]
                assert hashlib.sha256(_said(example).encode()).hexdigest() not in seen, example
