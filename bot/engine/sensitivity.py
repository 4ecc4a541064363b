"""Which unknown slots matter: the `missing` list, most valuable first.

A slot is missing when it is unknown and some plausible value of it changes the approach,
found by re-running the decisive rules with that slot filled in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.engine.facts import CEILING, Facts, Slots, derive
from bot.engine.models import Approach, FailureCause, MissingSlot, Task
from bot.engine.rules import choose
from bot.engine.wording import count, pct, usd

Value = int | float | str | Task | FailureCause

# The order the dialogue asks in: the flowchart's own order, then cost.
SLOT_ORDER = (
    "success_rate",
    "test_cases",
    "prompt_iterations",
    "failure_cause",
    "systematic_failure_share",
    "labeled_examples",
    "task",
    "categories",
)
COST_SLOTS = ("monthly_requests", "tokens_per_request", "training_budget_usd")
TRAINING = frozenset({Approach.collect_data, Approach.fine_tune, Approach.hybrid})
# Systematic causes first: "if it were format, this becomes fine_tune" is the useful example.
CAUSE_PROBES = (
    FailureCause.format,
    FailureCause.terminology,
    FailureCause.style,
    FailureCause.reasoning,
    FailureCause.knowledge,
    FailureCause.random,
    FailureCause.unknown,
)
RATES = frozenset({"success_rate", "systematic_failure_share", "target_success_rate"})

WHY = {
    "success_rate": "The flowchart turns on it: 8 of 10 right means stop",
    "test_cases": "A success rate needs 10+ test cases to count",
    "prompt_iterations": "Fine-tuning is considered only after 3-5 prompt iterations",
    "failure_cause": "Systematic failures can justify fine-tuning; missing knowledge calls for RAG",
    "systematic_failure_share": "Fine-tuning pays only for systematic problems affecting "
    "10%+ of cases",
    "labeled_examples": "Fine-tuning needs at least 100 labeled examples (100 per category "
    "for a classifier), ideally 500+",
    "task": "A classifier needs 100 labeled examples per category",
    "categories": "A classifier needs 100 labeled examples per category",
    "monthly_requests": "Needed to compare what prompting and fine-tuning cost over time",
    "tokens_per_request": "Sharpens the cost estimate (1,000 tokens a request is assumed)",
    "training_budget_usd": "Checked against the cost of a training run ($500-$5,000+)",
}
NOUNS = {
    "success_rate": "a success rate",
    "systematic_failure_share": "a systematic failure share",
    "target_success_rate": "a target",
    "test_cases": "test cases",
    "prompt_iterations": "prompt iterations",
    "labeled_examples": "labeled examples",
    "categories": "categories",
    "training_budget_usd": "a training budget",
}


class Approaches:
    """The approach the rules give for slot values, each distinct set worked out once.

    One decision probes the rules a few dozen times (`missing`, `what_would_change`), and
    many probes repeat (every `_first_change` starts from the slots as they are); a
    decision shares one of these between both searches. Slot values are compared by
    value, as the rules compare them.
    """

    def __init__(self) -> None:
        self._seen: dict[Slots, Approach] = {}

    def of(self, slots: Slots) -> Approach:
        """The approach for these slots."""
        found = self._seen.get(slots)
        if found is None:
            found = self._seen[slots] = choose(derive(slots))
        return found

    def given(self, slots: Slots, approach: Approach) -> None:
        """Record an approach already worked out for these slots (the decision's own)."""
        self._seen[slots] = approach

    def with_value(self, slots: Slots, slot: str, value: Value) -> Approach:
        """The approach with one slot set to `value`."""
        changes: dict[str, Any] = {slot: value}
        return self.of(slots._replace(**changes))


def show(slot: str, value: Value) -> str:
    """A slot value as a person writes it: 80%, 1,000, $2,000, format."""
    if isinstance(value, Task | FailureCause):
        return value.value
    if slot in RATES:
        return pct(float(value))
    if slot == "training_budget_usd":
        return usd(float(value))
    return count(int(value)) if isinstance(value, int) else str(value)


def missing(
    f: Facts, approach: Approach, approaches: Approaches | None = None
) -> list[MissingSlot]:
    """Unknown slots that could change the recommendation, most valuable first."""
    memo = approaches if approaches is not None else Approaches()
    out = []
    for slot in SLOT_ORDER:
        if getattr(f.slots, slot) is not None:
            continue
        probes = _probes(f, slot)
        alone = _first_change(memo, f.slots, slot, probes)
        if alone is not None:
            value, becomes = alone
            why = f"{WHY[slot]} ({_at(slot, value)} this becomes {becomes.value})."
            out.append(MissingSlot(slot=slot, why=why))
        elif _first_change(memo, _in_context(f, slot), slot, probes) is not None:
            out.append(MissingSlot(slot=slot, why=f"{WHY[slot]}."))
    if approach in TRAINING:
        out += [
            MissingSlot(slot=slot, why=f"{WHY[slot]}.")
            for slot in COST_SLOTS
            if getattr(f.slots, slot) is None
        ]
    return out


def _first_change(
    memo: Approaches, slots: Slots, slot: str, probes: Sequence[Value]
) -> tuple[Value, Approach] | None:
    """The first probe value of `slot` that gives another approach than leaving it unknown."""
    unknown = memo.of(slots)
    for value in probes:
        becomes = memo.with_value(slots, slot, value)
        if becomes != unknown:
            return value, becomes
    return None


def _in_context(f: Facts, slot: str) -> Slots:
    """The slots with the other unknowns answered as a team ready to train would answer them.

    A slot can matter only in combination (prompt iterations matter once the failures are
    known to be systematic); this context lets the dialogue ask for it.
    """
    ready: dict[str, Value] = {
        "success_rate": 0.5,
        "test_cases": 50,
        "prompt_iterations": 5,
        "failure_cause": FailureCause.format,
        "labeled_examples": f.ideal_examples,
    }
    fills: dict[str, Any] = {
        k: v for k, v in ready.items() if k != slot and getattr(f.slots, k) is None
    }
    return f.slots._replace(**fills)


# Values tried for an unknown slot, in order; the first that changes the approach is quoted.
_FIXED_PROBES: dict[str, tuple[Value, ...]] = {
    "test_cases": (5, 50),
    "prompt_iterations": (5, 1),
    "failure_cause": CAUSE_PROBES,
    "systematic_failure_share": (0.3, 0.05),
    "task": tuple(Task),
    "categories": (1, 10, 50),
}


def _probes(f: Facts, slot: str) -> Sequence[Value]:
    """The values to try for `slot`; only the ones that depend on the team are built here."""
    if slot == "success_rate":
        return (f.slots.target_success_rate, 0.5, CEILING, 0.95, 0.05)
    if slot == "labeled_examples":
        return (f.needed_examples, f.ideal_examples, f.needed_examples - 1)
    return _FIXED_PROBES[slot]


def _at(slot: str, value: Value) -> str:
    """'with 5 test cases', 'with a success rate of 80%', 'if the failure cause were format'."""
    shown = show(slot, value)
    if slot not in NOUNS:
        return f"if the {slot.replace('_', ' ')} were {shown},"
    if slot in RATES:
        return f"with {NOUNS[slot]} of {shown}"
    return f"with {shown} {NOUNS[slot]}"
