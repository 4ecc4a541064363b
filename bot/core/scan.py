"""What one reading of a message has found so far: the slots, their spans, the numbers used.

Shared by the finders in extract.py and rates.py; pure, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core import patterns as p
from bot.core.vocab import find_failure_cause

RATE_SLOTS = ("success_rate", "target_success_rate", "systematic_failure_share")
COUNT_SLOTS = (
    "test_cases",
    "prompt_iterations",
    "labeled_examples",
    "categories",
    "monthly_requests",
    "tokens_per_request",
    "horizon_months",
)


@dataclass
class Extraction:
    """The slots a message states (DecisionInput field -> value) and where it said so."""

    text: str
    slots: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    examples_per_category: int | None = None
    # Below the classifier's threshold: the likely value, offered first when asked.
    likely: dict[str, str] = field(default_factory=dict)
    # Counts whose role the words don't say ("we have 500"): offered, never filled.
    loose: list[int] = field(default_factory=list)

    def evidence(self, slot: str) -> str:
        """The words that gave a slot, e.g. '7/10' for success_rate."""
        start, end = self.spans[slot]
        return self.text[start:end]


@dataclass
class Scan:
    """A message being read: its masked text, the slot asked for, and what is claimed."""

    text: str
    pending: str | None
    out: Extraction
    claimed: list[tuple[int, int]] = field(default_factory=list)
    names_cause: bool | None = None  # found once per message: asked for every number in it
    # Success rates said to be earlier ("from 60%"): (value, span, claims), used if no later one
    earlier: list[tuple[float, tuple[int, int], tuple[tuple[int, int], ...]]] = field(
        default_factory=list
    )

    def free(self, *spans: tuple[int, int]) -> bool:
        return not any(s < ce and cs < e for s, e in spans for cs, ce in self.claimed)

    def put(self, slot: str, value: Any, span: tuple[int, int], *claims: tuple[int, int]) -> None:
        if slot in self.out.slots or not self.free(*claims):
            return
        self.out.slots[slot] = value
        self.out.spans[slot] = span
        self.claimed.extend(claims)


def about_failures(scan: Scan) -> bool:
    return scan.pending == "failure_cause" or bool(p.FAILURE_TALK.search(scan.text))


def describes_cause(scan: Scan) -> bool:
    """True when the message names why cases fail (or answers that question)."""
    if scan.names_cause is None:
        scan.names_cause = scan.pending == "failure_cause" or (
            find_failure_cause(scan.text) is not None and about_failures(scan)
        )
    return scan.names_cause
