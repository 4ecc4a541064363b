"""What would change the answer: for each slot you gave, the nearest threshold each way.

Every change is found by re-running the decisive rules with the slot set to the value just
across a threshold, so "With 100+ labeled examples this becomes fine_tune" is true at 100.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.budget import run_costs
from bot.engine.facts import (
    CEILING,
    MIN_ITERATIONS,
    MIN_SYSTEMATIC_SHARE,
    MIN_TEST_CASES,
    NINETY_FAILS,
    NINETY_WORKS,
    Facts,
)
from bot.engine.models import Approach, FailureCause, Task, WhatWouldChange
from bot.engine.sensitivity import (
    CAUSE_PROBES,
    NOUNS,
    RATES,
    SLOT_ORDER,
    Approaches,
    Value,
    show,
)

RATE_STEP = 0.01
BUDGET = "training_budget_usd"


@dataclass(frozen=True)
class Cut:
    """A threshold a rule tests: `x >= threshold` (at_least) or `x <= threshold`."""

    threshold: int | float
    at_least: bool = True


@dataclass(frozen=True)
class Crossing:
    """The value just across a cut from the current one, and the condition it meets."""

    value: int | float
    op: str  # ">=", ">", "<=" or "<"
    threshold: int | float


def what_would_change(
    f: Facts, approach: Approach, approaches: Approaches | None = None
) -> list[WhatWouldChange]:
    """For each known slot, the nearest change up and down that gives another approach."""
    memo = approaches if approaches is not None else Approaches()
    out: list[WhatWouldChange] = []
    for slot in (*SLOT_ORDER, "target_success_rate", BUDGET):
        current = getattr(f.slots, slot)
        if isinstance(current, FailureCause | Task):
            out += _other_choice(memo, f, slot, current, approach)
        elif current is not None:
            out += _nearest(memo, f, slot, current, approach)
    return out


def _other_choice(
    memo: Approaches, f: Facts, slot: str, current: Value, approach: Approach
) -> list[WhatWouldChange]:
    options = CAUSE_PROBES if slot == "failure_cause" else (Task.classification,)
    for option in options:
        becomes = memo.with_value(f.slots, slot, option)
        if option == current or becomes == approach:
            continue
        name = slot.replace("_", " ")
        return [
            WhatWouldChange(
                slot=slot,
                condition=f"{slot} == {option.value}",
                approach=becomes,
                text=f"If the {name} were {option.value}, this becomes {becomes.value}.",
                value=option.value,
            )
        ]
    return []


def _nearest(
    memo: Approaches, f: Facts, slot: str, current: int | float, approach: Approach
) -> list[WhatWouldChange]:
    crossings = [_cross(slot, current, cut) for cut in _cuts(f, slot)]
    valid = [c for c in crossings if _valid(slot, c.value) and c.value != current]
    up = sorted((c for c in valid if c.value > current), key=lambda c: c.value)
    down = sorted((c for c in valid if c.value < current), key=lambda c: -c.value)
    out = []
    for side in (up, down):
        for crossing in side:
            becomes = memo.with_value(f.slots, slot, crossing.value)
            if becomes != approach:
                out.append(_change(slot, crossing, becomes))
                break
    return out


def _cuts(f: Facts, slot: str) -> list[Cut]:
    s = f.slots
    if slot == "success_rate":
        return [
            Cut(NINETY_FAILS, at_least=False),
            Cut(CEILING),
            Cut(s.target_success_rate),
            Cut(NINETY_WORKS),
        ]
    if slot == "target_success_rate":
        # "done" when success_rate >= target, i.e. target <= success_rate.
        return [] if s.success_rate is None else [Cut(s.success_rate, at_least=False)]
    if slot == BUDGET:
        # One run under each price table: the budget rules turn on these amounts.
        return [Cut(cost) for _, cost in run_costs(f)]
    if slot == "categories":
        # A classifier has enough data when labeled >= 100 x categories.
        return (
            [] if s.labeled_examples is None else [Cut(s.labeled_examples // 100, at_least=False)]
        )
    thresholds: dict[str, int | float] = {
        "test_cases": MIN_TEST_CASES,
        "prompt_iterations": MIN_ITERATIONS,
        "labeled_examples": f.needed_examples,
        "systematic_failure_share": MIN_SYSTEMATIC_SHARE,
    }
    return [Cut(thresholds[slot])]


def _cross(slot: str, current: int | float, cut: Cut) -> Crossing:
    t = cut.threshold
    step: int | float = RATE_STEP if slot in RATES else 1
    if cut.at_least:
        if current < t:
            return Crossing(t, ">=", t)
        return Crossing(round(t - step, 6), "<", t)
    if current <= t:
        return Crossing(round(t + step, 6), ">", t)
    return Crossing(t, "<=", t)


def _valid(slot: str, value: int | float) -> bool:
    if slot == "target_success_rate":
        return 0 < value <= 1
    if slot in RATES:
        return 0 <= value <= 1
    return value >= (1 if slot == "categories" else 0)


def _change(slot: str, c: Crossing, becomes: Approach) -> WhatWouldChange:
    return WhatWouldChange(
        slot=slot,
        condition=f"{slot} {c.op} {c.threshold}",
        approach=becomes,
        text=f"{_phrase(slot, c.op, show(slot, c.threshold))} this becomes {becomes.value}.",
        value=c.value,
    )


def _phrase(slot: str, op: str, shown: str) -> str:
    """'With 100+ labeled examples', 'With a success rate below 80%', ..."""
    noun = NOUNS[slot]
    if slot in RATES or slot == BUDGET:
        tail = {">=": f"of {shown} or more", ">": f"above {shown}", "<": f"below {shown}"}
        return f"With {noun} {tail.get(op, f'of {shown} or less')}"
    lead = {">=": f"{shown}+", ">": f"more than {shown}", "<": f"fewer than {shown}"}
    return f"With {lead.get(op, f'{shown} or fewer')} {noun}"
