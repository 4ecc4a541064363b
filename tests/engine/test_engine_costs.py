"""The cost model: price tables, total cost of ownership, break-even, disagreement."""

from __future__ import annotations

import pytest

from bot.engine import DecisionInput, decide
from bot.engine.costs import (
    GUIDE,
    OPENAI_GPT4O_2024_08,
    PRICE_TABLES,
    PriceTable,
    compare,
    estimate,
)


def test_every_price_table_names_its_source_and_date() -> None:
    for table in PRICE_TABLES:
        assert table.name and table.source and table.as_of


@pytest.mark.parametrize(
    ("horizon", "runs"),
    [
        pytest.param(1, 1, id="1-month-one-run"),
        pytest.param(12, 1, id="12-months-one-run"),
        pytest.param(13, 2, id="13-months-retrain-once"),
        pytest.param(36, 3, id="36-months-three-runs"),
    ],
)
def test_one_training_run_per_started_year(horizon: int, runs: int) -> None:
    cost = compare(1000, 1000, horizon, 500, 100)
    assert [e.training_runs for e in cost.estimates] == [runs, runs]
    assert cost.estimates[0].training_usd == runs * 2000


def test_guide_figures_over_a_year() -> None:
    # 10,000 requests x 1,000 tokens = 10M tokens a month: $25/1M prompting, $75/1M fine-tuned.
    guide = compare(10_000, 1000, 12, 500, 100).estimates[0]
    assert guide.price_table == GUIDE.name
    assert guide.prompting_total_usd == 3000
    assert guide.fine_tuning_total_usd == 2000 + 9000
    assert guide.break_even_month is None


def test_hosted_training_cost_is_examples_times_tokens_times_epochs() -> None:
    # 500 examples x 1,000 tokens x 3 epochs = 1.5M training tokens at $25 per 1M.
    hosted = compare(10_000, 1000, 12, 500, 100).estimates[1]
    assert hosted.price_table == OPENAI_GPT4O_2024_08.name
    assert hosted.training_usd == 37.5
    # 10M tokens a month, 75% input: base 7.5 x $2.50 + 2.5 x $10 = $43.75 a month.
    assert hosted.prompting_total_usd == pytest.approx(43.75 * 12)


def test_timeline_is_cumulative_month_by_month() -> None:
    guide = compare(10_000, 1000, 24, 500, 100).estimates[0]
    assert [p.month for p in guide.timeline] == list(range(1, 25))
    assert guide.timeline[0].fine_tuning_usd == 2000 + 750
    assert guide.timeline[12].fine_tuning_usd == 4000 + 750 * 13  # retrained in month 13
    assert guide.timeline[-1].prompting_usd == guide.prompting_total_usd


def test_break_even_is_the_first_month_fine_tuning_is_cheaper() -> None:
    cheap_tuned = PriceTable(
        name="cheap-tuned",
        label="a table where fine-tuned calls are cheaper",
        source="test",
        as_of="2026-11",
        base_input_per_m=10,
        base_output_per_m=10,
        tuned_input_per_m=5,
        tuned_output_per_m=5,
        training_run_usd=100,
    )
    # 10M tokens a month: prompting $100/month against $100 training + $50/month.
    assert estimate(cheap_tuned, 10_000, 1000, 12, 100).break_even_month == 3
    # 1M tokens a month: it would take 21 months, but retraining in month 13 resets it.
    assert estimate(cheap_tuned, 1000, 1000, 24, 100).break_even_month is None


def test_disagreement_over_2x_is_said_and_names_both_figures() -> None:
    cost = compare(10_000, 1000, 12, 500, 100)
    assert cost.disagreement is not None
    assert "$11,000" in cost.disagreement and "$825" in cost.disagreement


def test_no_disagreement_when_tables_agree() -> None:
    cost = compare(10_000, 1000, 12, 500, 100, tables=(GUIDE, GUIDE))
    assert cost.disagreement is None


def test_tokens_per_request_defaults_to_a_stated_assumption() -> None:
    cost = compare(1000, None, 12, None, 100)
    assert cost.estimates[0].tokens_per_request == 1000
    assumptions = " ".join(cost.estimates[0].assumptions)
    assert "1,000 tokens per request" in assumptions
    assert "Training on 100 examples" in assumptions


def test_zero_volume_costs_only_the_training() -> None:
    guide = compare(0, 1000, 12, 500, 100).estimates[0]
    assert guide.prompting_total_usd == 0
    assert guide.fine_tuning_total_usd == 2000


def test_recommendation_quotes_the_total_cost_of_ownership() -> None:
    rec = decide(DecisionInput(success_rate=0.5, monthly_requests=10_000, tokens_per_request=1000))
    reasons = {r.id: r.reason for r in rec.rules}
    assert "prompting $3,000, fine-tuning $11,000" in reasons["cost.total_cost_of_ownership"]
