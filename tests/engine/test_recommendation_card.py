"""The rich card shows everything a team needs to trust the recommendation."""

from __future__ import annotations

from rich.console import Console

from bot.engine import DecisionInput, Recommendation, decide
from bot.terminal.recommendation import render_recommendation


def card_text(rec: Recommendation) -> str:
    console = Console(record=True, width=120, color_system=None)
    console.print(render_recommendation(rec))
    return console.export_text()


def test_card_shows_approach_reasons_cost_and_what_would_change() -> None:
    rec = decide(
        DecisionInput(
            task="translation",
            success_rate=0.88,
            test_cases=50,
            prompt_iterations=4,
            target_success_rate=0.95,
            systematic_failure_share=0.12,
            labeled_examples=200,
            monthly_requests=100_000,
            horizon_months=24,
        )
    )
    text = card_text(rec)
    assert "Combine prompting and fine-tuning" in text
    assert rec.headline in " ".join(text.split())
    assert "combining.ceiling" in text
    for month in ("1", "3", "6", "12", "24"):
        assert any(line.strip("│ ").startswith(month + " ") for line in text.splitlines()), month
    assert "Break-even (guide): never" in text
    assert "disagree" in text
    assert "With a success rate of 90% or more this becomes done." in text


def test_card_without_volume_has_no_cost_table_and_lists_missing_slots() -> None:
    text = card_text(decide(DecisionInput()))
    assert "Cost over time" not in text
    assert "Would sharpen the answer" in text
    assert "success_rate:" in text
