"""Bad decision input becomes one clear line naming the field and what it accepts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.engine import DecisionInput
from bot.engine.errors import describe_validation_error

# (readable id, input, what the one line must say)
BAD_INPUT = [
    ("unknown-task", {"task": "poem"}, "task must be one of classification, extraction"),
    ("rate-1.7", {"success_rate": 1.7}, "success_rate must be a share between 0 and 1"),
    (
        "negative-count",
        {"labeled_examples": -5},
        "labeled_examples must be a whole number, 0 or more (got -5)",
    ),
    ("words-for-a-count", {"test_cases": "ten"}, "test_cases must be a whole number"),
    ("unknown-cause", {"failure_cause": "vibes"}, "failure_cause must be one of knowledge, format"),
    ("language-name", {"language": "english"}, "language must be a two-letter ISO 639-1 code"),
    (
        "zero-horizon",
        {"horizon_months": 0},
        "horizon_months must be a whole number of months from 1 to 120",
    ),
    (
        "unknown-field",
        {"colour": "red"},
        "unknown field 'colour'; the fields are task, success_rate",
    ),
]


@pytest.mark.parametrize(("data", "expected"), [pytest.param(*r[1:], id=r[0]) for r in BAD_INPUT])
def test_one_line_names_the_field_and_what_is_allowed(data: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DecisionInput.model_validate(data)
    line = describe_validation_error(caught.value)
    assert expected in line
    assert "\n" not in line


def test_several_problems_name_the_first_and_count_the_rest() -> None:
    with pytest.raises(ValidationError) as caught:
        DecisionInput.model_validate({"success_rate": 2, "test_cases": -1, "categories": 0})
    assert describe_validation_error(caught.value).endswith("(and 2 more problems)")


def test_not_an_object_says_what_is_expected() -> None:
    with pytest.raises(ValidationError) as caught:
        DecisionInput.model_validate([1, 2])
    assert "expected a JSON object" in describe_validation_error(caught.value)
