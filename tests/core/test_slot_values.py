"""Form fields and button values as typed, read into slot values (or explained)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.slots import check, parse, show

PARSED = [
    ("task", "classification", "classification"),
    ("task", "ticket classifier", "classification"),
    ("task", "Support", "support"),
    ("task", "reasoning", "reasoning"),
    ("task", "other", "other"),
    ("failure_cause", "format", "format"),
    ("failure_cause", "unknown", "unknown"),
    ("failure_cause", "it doesn't know our products", "knowledge"),
    ("success_rate", "0.7", 0.7),
    ("success_rate", "70%", 0.7),
    ("success_rate", "70", 0.7),
    ("success_rate", "7/10", 0.7),
    ("target_success_rate", "90%", 0.9),
    ("systematic_failure_share", "15%", 0.15),
    ("labeled_examples", "1.2k", 1200),
    ("labeled_examples", "300", 300),
    ("monthly_requests", "200k", 200_000),
    ("monthly_requests", "10k/day", 300_000),
    ("horizon_months", "24", 24),
    ("horizon_months", "2 years", 24),
    ("training_budget_usd", "$3k", 3000.0),
    ("language", "Japanese", "ja"),
    ("language", "de", "de"),
    ("categories", 10, 10),
]


@pytest.mark.parametrize(("slot", "raw", "value"), PARSED, ids=[f"{s}={r}" for s, r, _ in PARSED])
def test_a_typed_value_is_read_for_its_slot(slot: str, raw: Any, value: Any) -> None:
    expected = pytest.approx(value) if isinstance(value, float) else value
    assert parse(slot, raw) == expected
    assert check(slot, parse(slot, raw)) is None


REJECTED = [
    ("success_rate", "170%", "between 0% and 100%"),
    ("task", "poetry", "one of classification, extraction"),
    ("labeled_examples", "-5", "0 or more"),
    ("labeled_examples", "lots", "0 or more"),
    ("horizon_months", "500", "from 1 to 120"),
    ("language", "Klingon", "two-letter code"),
    ("bogus", "1", "don't know a field called 'bogus'"),
]


@pytest.mark.parametrize(
    ("slot", "raw", "hint"), REJECTED, ids=[f"{s}={r}" for s, r, _ in REJECTED]
)
def test_a_bad_value_is_explained_with_what_is_allowed(slot: str, raw: str, hint: str) -> None:
    problem = check(slot, parse(slot, raw))
    assert problem is not None and hint in problem


@pytest.mark.parametrize(
    ("slot", "value", "shown"),
    [
        ("success_rate", 0.7, "70%"),
        ("monthly_requests", 200_000, "200,000 a month"),
        ("training_budget_usd", 3000.0, "$3,000"),
        ("language", "ja", "Japanese (ja)"),
        ("labeled_examples", 1200, "1,200"),
    ],
)
def test_values_are_shown_the_way_people_write_them(slot: str, value: Any, shown: str) -> None:
    assert show(slot, value) == shown
