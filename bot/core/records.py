"""Decision records: what a thread decided, from which inputs, and when to revisit it. Pure.

A record is saved from a recommendation. Its revisit triggers come from the engine's
"what would change it" (each one a threshold the engine itself tried), so "revisit if
the success rate reaches 80%" is true at 80%: the same inputs with 80% give another
approach. New numbers said in the thread are checked against them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from bot.core import slots as sl
from bot.core.state import DialogueState, Phase
from bot.engine.costs import PRICE_TABLES
from bot.engine.models import Approach, DecisionInput, Recommendation, WhatWouldChange
from bot.engine.wording import APPROACH_TITLES, usd

_TABLE_LABELS = {table.name: table.label for table in PRICE_TABLES}
STATED = "stated"
DEFAULT = "default"
# Defaults worth naming in a record: they decide (target) or scale the cost (horizon).
_SHOWN_DEFAULTS = ("target_success_rate", "horizon_months")
# How a trigger names its slot, and whether the noun is plural ("examples reach").
_NOUNS: dict[str, tuple[str, bool]] = {
    "success_rate": ("the success rate", False),
    "test_cases": ("test cases", True),
    "prompt_iterations": ("prompt iterations", True),
    "systematic_failure_share": ("the systematic failure share", False),
    "labeled_examples": ("labeled examples", True),
    "categories": ("categories", True),
    "target_success_rate": ("the target", False),
    "training_budget_usd": ("the training budget", False),
}
_VERBS = {  # op -> (singular, plural)
    ">=": ("reaches {v}", "reach {v}"),
    ">": ("goes above {v}", "go above {v}"),
    "<": ("falls below {v}", "fall below {v}"),
    "<=": ("falls to {v} or below", "fall to {v} or below"),
}


class RecordInput(BaseModel):
    """One input of a decision and where it came from."""

    slot: str
    value: Any
    shown: str = Field(description="As a person reads it: '62%', '1,200'")
    source: str = Field(description="'stated' (in the thread or dialogue) or 'default'")
    by: str | None = Field(None, description="The Slack user who stated it, when known")


class Trigger(BaseModel):
    """A revisit trigger: a condition on one input that would change the recommendation."""

    slot: str
    op: str = Field(description=">=, >, <, <= or == (a choice)")
    threshold: float | str
    becomes: Approach
    text: str = Field(description="'the success rate reaches 80%'")

    def met_by(self, inputs: DecisionInput) -> bool:
        """Whether these inputs meet the condition."""
        value = getattr(inputs, self.slot, None)
        if value is None:
            return False
        if self.op == "==":
            return str(getattr(value, "value", value)) == str(self.threshold)
        number, limit = float(value), float(self.threshold)
        return {
            ">=": number >= limit,
            ">": number > limit,
            "<": number < limit,
            "<=": number <= limit,
        }.get(self.op, False)


class RecordedRule(BaseModel):
    id: str
    reason: str
    section: str


class ThreadRecord(BaseModel):
    """A saved decision: where, who, from what, what it said, and when to look again."""

    id: int | None = None
    workspace: str
    channel: str
    thread_ts: str
    source_ts: str = Field(description="The recommendation message it was saved from")
    asked_by: str | None = None
    saved_by: str
    created_at: datetime
    revision: int = 1
    updated_by: str | None = None
    updated_at: datetime | None = None
    inputs: dict[str, Any] = Field(description="DecisionInput fields that were set (JSON)")
    sources: list[RecordInput]
    approach: Approach
    headline: str
    rules: list[RecordedRule]
    cost_line: str | None = None
    triggers: list[Trigger]
    message_ts: str | None = Field(None, description="The record's own message in the thread")
    permalink: str | None = None

    def decision_input(self) -> DecisionInput:
        return DecisionInput.model_validate(self.inputs)


def build_record(
    rec: Recommendation,
    *,
    workspace: str,
    channel: str,
    thread_ts: str,
    source_ts: str,
    saved_by: str,
    asked_by: str | None,
    stated_by: dict[str, str],
    now: datetime,
) -> ThreadRecord:
    """The record of a recommendation; `stated_by` names who gave each input, where known."""
    return ThreadRecord(
        workspace=workspace,
        channel=channel,
        thread_ts=thread_ts,
        source_ts=source_ts,
        asked_by=asked_by,
        saved_by=saved_by,
        created_at=now,
        inputs=set_inputs(rec.input),
        sources=input_sources(rec.input, stated_by),
        approach=rec.approach,
        headline=rec.headline,
        rules=[RecordedRule(id=r.id, reason=r.reason, section=r.section) for r in rec.rules],
        cost_line=cost_line(rec),
        triggers=triggers_of(rec),
    )


def set_inputs(inputs: DecisionInput) -> dict[str, Any]:
    """The inputs someone gave (not the engine's defaults), JSON-ready."""
    return inputs.model_dump(mode="json", exclude_unset=True, exclude_none=True)


def input_sources(inputs: DecisionInput, stated_by: dict[str, str]) -> list[RecordInput]:
    """Every input that was given, then the defaults that matter, each with its source."""
    given = set_inputs(inputs)
    out = [
        RecordInput(
            slot=slot,
            value=value,
            shown=sl.show(slot, value),
            source=STATED,
            by=stated_by.get(slot),
        )
        for slot, value in given.items()
    ]
    for slot in _SHOWN_DEFAULTS:
        if slot not in given:
            value = getattr(inputs, slot)
            out.append(
                RecordInput(slot=slot, value=value, shown=sl.show(slot, value), source=DEFAULT)
            )
    return out


def cost_line(rec: Recommendation) -> str | None:
    """'12 months at 50,000 requests/month: prompting $15,000, fine-tuning $47,000 (guide) …'."""
    if rec.cost is None or not rec.cost.estimates:
        return None
    parts = []
    for e in rec.cost.estimates:
        even = (
            f"break-even month {e.break_even_month}"
            if e.break_even_month is not None
            else "no break-even"
        )
        label = _TABLE_LABELS.get(e.price_table, e.price_table)
        parts.append(
            f"prompting {usd(e.prompting_total_usd)}, fine-tuning "
            f"{usd(e.fine_tuning_total_usd)} ({label}; {even})"
        )
    first = rec.cost.estimates[0]
    lead = f"{first.horizon_months} months at {first.monthly_requests:,} requests/month"
    return f"{lead}: " + " · ".join(parts)


def triggers_of(rec: Recommendation) -> list[Trigger]:
    """The recommendation's "what would change it", as revisit triggers."""
    return [t for change in rec.what_would_change if (t := _trigger(change)) is not None]


def _trigger(change: WhatWouldChange) -> Trigger | None:
    parts = change.condition.split()
    if len(parts) != 3 or parts[0] != change.slot:
        return None
    slot, op, raw = parts
    if op == "==":
        label = sl.LABELS.get(slot, slot.replace("_", " "))
        return Trigger(
            slot=slot, op=op, threshold=raw, becomes=change.approach, text=f"the {label} is {raw}"
        )
    if op not in _VERBS:
        return None
    try:
        threshold = float(raw)
    except ValueError:
        return None
    noun, plural = _NOUNS.get(slot, (sl.LABELS.get(slot, slot.replace("_", " ")), False))
    shown = _shown(slot, threshold)
    verb = _VERBS[op][1 if plural else 0].format(v=shown)
    text = f"{noun} {verb}"
    return Trigger(slot=slot, op=op, threshold=threshold, becomes=change.approach, text=text)


def _shown(slot: str, threshold: float) -> str:
    if slot in ("success_rate", "systematic_failure_share", "target_success_rate"):
        return sl.show(slot, threshold)
    if slot == "training_budget_usd":
        return usd(threshold)
    return f"{threshold:,.0f}" if threshold == int(threshold) else f"{threshold:,}"


def revisit_line(triggers: list[Trigger], limit: int = 4) -> str:
    """'Revisit if the success rate reaches 80% or labeled examples reach 1,000.'

    Progress first (a number reaching a threshold), then setbacks, the team's own target
    last; past `limit` the rest are counted (every trigger is still checked).
    """
    if not triggers:
        return "No revisit trigger: none of the inputs given is near a threshold."
    ranked = sorted(triggers, key=_rank)
    texts = [t.text for t in ranked[:limit]]
    joined = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " or " + texts[-1]
    more = len(ranked) - limit
    tail = f" (and {more} more)" if more > 0 else ""
    return f"Revisit if {joined}{tail}."


def _rank(trigger: Trigger) -> int:
    if trigger.slot == "target_success_rate":
        return 3
    if trigger.op in (">=", ">", "=="):
        return 0 if trigger.op != "==" else 1
    return 2


def fired(record: ThreadRecord, inputs: DecisionInput) -> list[Trigger]:
    """The record's triggers these (new) inputs meet."""
    return [t for t in record.triggers if t.met_by(inputs)]


def changed_inputs(record: ThreadRecord, inputs: DecisionInput) -> list[str]:
    """'success rate 62% → 81%' for each input that differs from the record's."""
    now = set_inputs(inputs)
    out = []
    for slot in dict.fromkeys([*record.inputs, *now]):
        before, after = record.inputs.get(slot), now.get(slot)
        if before != after and slot in sl.LABELS:
            out.append(f"{sl.LABELS[slot]} {sl.show(slot, before)} → {sl.show(slot, after)}")
    return out


def approach_title(approach: Approach | str) -> str:
    try:
        return APPROACH_TITLES[Approach(approach)]
    except ValueError:
        return str(approach)


def restored_state(record: ThreadRecord) -> dict[str, Any] | None:
    """A dialogue state that resumes from the record: new numbers re-run its decision.

    Used when the thread's own dialogue expired; None when the record's inputs no longer
    read as a decision (an older engine's fields).
    """
    try:
        record.decision_input()
    except ValidationError:
        return None
    return DialogueState(phase=Phase.recommended, slots=dict(record.inputs)).to_json()
