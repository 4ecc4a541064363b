"""The decision modal: every `DecisionInput` slot as a Block Kit form. Pure functions.

Block ids and action ids are the slot names, so the core's validation errors
(by slot) map straight onto the form's `response_action: errors`.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.engine.models import DecisionInput, FailureCause, Task
from bot.slack import refs
from bot.slack.mrkdwn import truncate
from bot.slack.refs import ConversationRef
from bot.store.base import Store

ERROR_LIMIT = 300

TASK_LABELS: dict[str, str] = {
    Task.classification: "Classification",
    Task.extraction: "Extraction",
    Task.summarization: "Summarization",
    Task.support: "Customer support",
    Task.translation: "Translation",
    Task.generation: "Content generation",
    Task.reasoning: "Reasoning",
    Task.other: "Something else",
}

CAUSE_LABELS: dict[str, str] = {
    FailureCause.knowledge: "Missing knowledge (facts it doesn't have)",
    FailureCause.format: "Output format",
    FailureCause.terminology: "Domain terminology",
    FailureCause.style: "Tone or style",
    FailureCause.reasoning: "Reasoning mistakes",
    FailureCause.random: "Random, no pattern",
    FailureCause.unknown: "Don't know yet",
}

SELECTS: dict[str, dict[str, str]] = {"task": TASK_LABELS, "failure_cause": CAUSE_LABELS}

# slot -> (label, hint); the order is the form's order
FIELDS: dict[str, tuple[str, str | None]] = {
    "task": ("What does the feature do?", None),
    "success_rate": (
        "Success rate of your best prompt",
        "Share of test cases right: 0.7, 70% or 7/10",
    ),
    "test_cases": ("Test cases behind that rate", "A success rate needs 10+ test cases to count."),
    "prompt_iterations": ("Prompt versions tried so far", None),
    "target_success_rate": ("Success rate that would be enough", "Default 0.8 (80%)."),
    "failure_cause": ("Why do the failures happen?", None),
    "systematic_failure_share": (
        "Share of all cases failing in the same way",
        "e.g. 0.15 or 15%. Fine-tuning pays off for systematic problems in 10%+ of cases.",
    ),
    "labeled_examples": ("Labeled input/output examples you have", "e.g. 300, ~1.2k"),
    "categories": ("Categories (for a classifier)", None),
    "monthly_requests": ("Requests per month", "e.g. 200000 or 200k"),
    "tokens_per_request": ("Tokens per request (input + output)", None),
    "horizon_months": ("Months to compare costs over", "Default 12."),
    "training_budget_usd": ("Budget for training, in USD", None),
    "language": ("Language of the content", "Two-letter code: en, de, ja…"),
}


class ModalMeta(BaseModel):
    """Carried in the modal's private_metadata: the conversation and where to post the result."""

    conv: ConversationRef
    channel: str
    thread: str | None = None
    response_url: str | None = None  # the slash command's: the result is private to its user


def decision_modal(slots: DecisionInput, meta: ModalMeta) -> dict[str, Any]:
    """The form, prefilled with what the conversation already knows."""
    known = slots.model_dump(mode="json")
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Fill in what you know; every field is optional. "
                    "The more you fill in, the sharper the recommendation."
                )
            ]
        )
    ]
    blocks += [_input(slot, known.get(slot)) for slot in FIELDS]
    return View(
        type="modal",
        callback_id=refs.DECIDE_VIEW,
        title="Advisor: decide",
        submit="Recommend",
        close="Cancel",
        private_metadata=refs.encode(meta),
        blocks=blocks,
    ).to_dict()


def _input(slot: str, value: Any) -> InputBlock:
    label, hint = FIELDS[slot]
    element: StaticSelectElement | PlainTextInputElement
    if slot in SELECTS:
        options = [Option(value=v, label=text) for v, text in SELECTS[slot].items()]
        initial = next((o for o in options if o.value == value), None)
        element = StaticSelectElement(
            action_id=slot, placeholder="Choose…", options=options, initial_option=initial
        )
    else:
        element = PlainTextInputElement(action_id=slot, initial_value=_initial(value))
    return InputBlock(block_id=slot, label=label, hint=hint, optional=True, element=element)


def _initial(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_values(view: dict[str, Any]) -> dict[str, str]:
    """The submitted values by slot name; empty fields are left out (nothing given)."""
    state = view.get("state", {}).get("values", {})
    form: dict[str, str] = {}
    for slot in FIELDS:
        action = state.get(slot, {}).get(slot, {})
        selected = action.get("selected_option") or {}
        raw = (
            selected.get("value") if action.get("type") == "static_select" else action.get("value")
        )
        if isinstance(raw, str) and raw.strip():
            form[slot] = raw.strip()
    return form


def form_errors(errors: dict[str, str], form: dict[str, str]) -> dict[str, str]:
    """Core errors by slot as Slack's errors by block id; unknown keys go to a filled field."""
    shown: dict[str, str] = {}
    fallback = next(iter(form), next(iter(FIELDS)))
    for slot, message in errors.items():
        block = slot if slot in FIELDS else fallback
        text = message if block == slot else f"{slot}: {message}"
        shown[block] = truncate(f"{shown[block]} {text}" if block in shown else text, ERROR_LIMIT)
    return shown


def modal_meta(view: dict[str, Any]) -> ModalMeta | None:
    """The decision modal's metadata, or None when it is not readable."""
    try:
        return ModalMeta.model_validate_json(view.get("private_metadata") or "")
    except ValueError:
        return None


MODAL_PREFIX = "modal:"  # a decision form's metadata, kept server-side under a random id


def keep_meta(store: Store, meta: ModalMeta, user: str) -> str:
    """Store a form's metadata and who opened it; the private_metadata to carry instead."""
    ref = secrets.token_hex(16)
    store.save_state(MODAL_PREFIX + ref, {"meta": meta.model_dump(mode="json"), "user": user})
    return json.dumps({"ref": ref})


def kept_meta(store: Store, view: dict[str, Any], user: str) -> ModalMeta | None:
    """The stored metadata of a form this app opened for `user`; None for any other."""
    try:
        ref = json.loads(view.get("private_metadata") or "").get("ref")
    except (ValueError, AttributeError):
        return None
    stored = store.load_state(MODAL_PREFIX + ref) if isinstance(ref, str) and ref else None
    if stored is None or stored.get("user") != user:
        return None
    try:
        return ModalMeta.model_validate(stored.get("meta"))
    except ValueError:
        return None
