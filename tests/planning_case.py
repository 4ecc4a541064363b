"""One team's case, shared by the tests of decision records, cards and stores.

A ticket classifier at 62% on 50 test cases after 5 prompt versions, failing on
format, with 300 labeled examples across 10 categories and 50,000 requests a month.
"""

from __future__ import annotations

from bot.engine import DecisionInput

PLANNING = DecisionInput(
    task="classification",
    success_rate=0.62,
    test_cases=50,
    prompt_iterations=5,
    failure_cause="format",
    labeled_examples=300,
    categories=10,
    monthly_requests=50_000,
)
