"""Forms: a modal's values checked field by field, applied together, then recommended."""

from __future__ import annotations

from typing import Any

from bot.core import slots as sl
from bot.core.flow import recommend, rejected, set_slots
from bot.core.messages import Reply
from bot.core.state import DialogueState, Tools


def submit_form(state: DialogueState, form: dict[str, Any], tools: Tools) -> list[Reply]:
    """A submitted form: check every field, apply the valid ones, then recommend."""
    values = {s: sl.parse(s, v) for s, v in form.items() if v not in (None, "")}
    for slot, raw in form.items():
        if raw in (None, "") and slot in state.slots:
            del state.slots[slot]
    errors = set_slots(state, values)
    if errors:
        return [rejected(state, errors)]
    return recommend(state, tools.decide(state.decision_input()))


def form_errors(form: dict[str, Any]) -> dict[str, str]:
    """Errors by slot name for a form's values; empty when every value is allowed."""
    errors = {}
    for slot, raw in form.items():
        if raw in (None, ""):
            continue
        problem = sl.check(slot, sl.parse(slot, raw))
        if problem:
            errors[slot] = problem
    return errors
