"""What moved between two recommendations, in words: approach, reasons, costs. Pure.

A what-if reply shows only these lines (the full card is one word, "details", away), so
each line must read on its own: approach names, the reasons' own sentences, and the
cost totals per price table, never bare rule ids.
"""

from __future__ import annotations

from bot.engine.costs import PRICE_TABLES
from bot.engine.models import CostComparison, CostEstimate, Recommendation
from bot.engine.rules import DECISIVE
from bot.engine.wording import APPROACH_TITLES, usd

# What a compact what-if ends with, in every channel (Slack adds a button).
DETAILS_HINT = "Say **details** for the full recommendation."
# Enough to see why the answer moved; the rest is in the full card.
MAX_REASONS = 5
# The cost lines say this better than the reworded total-cost reason would.
_COST_RULES = frozenset({"cost.total_cost_of_ownership"})
_LABELS = {table.name: table.label for table in PRICE_TABLES}
_DECISIVE = frozenset(rule.id for rule in DECISIVE)


def approach_line(old: Recommendation, new: Recommendation) -> str:
    """'Approach: Add retrieval (RAG) → Prompting is enough', or 'Approach stays: Fine-tune'."""
    if old.approach == new.approach:
        return f"Approach stays: {APPROACH_TITLES[new.approach]}"
    return f"Approach: {APPROACH_TITLES[old.approach]} → {APPROACH_TITLES[new.approach]}"


def reason_lines(old: Recommendation, new: Recommendation) -> list[str]:
    """Reasons that came, went or were reworded (new numbers): the deciding rules first."""
    before = {r.id: r.reason for r in old.rules}
    after = {r.id: r.reason for r in new.rules}
    added = [r for r in new.rules if r.id not in before]
    dropped = [r for r in old.rules if r.id not in after]
    reworded = [
        f"Now: {r.reason}"
        for r in new.rules
        if r.id in before and before[r.id] != r.reason and r.id not in _COST_RULES
    ]
    lines = [
        *(f"New: {r.reason}" for r in added if r.id in _DECISIVE),
        *(f"No longer: {r.reason}" for r in dropped if r.id in _DECISIVE),
        *(f"New: {r.reason}" for r in added if r.id not in _DECISIVE),
        *(f"No longer: {r.reason}" for r in dropped if r.id not in _DECISIVE),
        *reworded,
    ]
    if len(lines) <= MAX_REASONS:
        return lines
    rest = len(lines) - MAX_REASONS
    return [*lines[:MAX_REASONS], f"…and {rest} more {'reason' if rest == 1 else 'reasons'}"]


def cost_lines(old: CostComparison | None, new: CostComparison | None) -> list[str]:
    """Each price table's totals that moved: 'Cost over 12 months, …: fine-tuning $A → $B'."""
    if new is None:
        return ["No cost estimate: it needs your monthly requests."] if old else []
    earlier = {e.price_table: e for e in old.estimates} if old else {}
    lines = []
    for est in new.estimates:
        moved = _moved(earlier.get(est.price_table), est)
        if moved:
            label = _LABELS.get(est.price_table, est.price_table)
            lines.append(f"Cost over {est.horizon_months} months, {label}: {moved}")
    return lines


def _moved(old: CostEstimate | None, new: CostEstimate) -> str:
    """'fine-tuning $2,450 → $2,900; prompting $300 → $600', only the parts that moved."""
    pairs = (
        ("fine-tuning", "fine_tuning_total_usd"),
        ("prompting", "prompting_total_usd"),
    )
    if old is None or old.horizon_months != new.horizon_months:
        return "; ".join(f"{label} {usd(getattr(new, attr))}" for label, attr in pairs)
    return "; ".join(
        f"{label} {usd(getattr(old, attr))} → {usd(getattr(new, attr))}"
        for label, attr in pairs
        if round(getattr(old, attr), 2) != round(getattr(new, attr), 2)
    )


def moves(old: Recommendation, new: Recommendation) -> list[str]:
    """Every line of what moved: the approach first, then reasons, then costs."""
    return [approach_line(old, new), *reason_lines(old, new), *cost_lines(old.cost, new.cost)]
