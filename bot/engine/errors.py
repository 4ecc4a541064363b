"""One clear line for bad decision input, shared by the CLI, the dialogue and Slack."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.engine.models import DecisionInput, FailureCause, Task

_WHOLE = "a whole number, 0 or more"
_SHARE = "a share between 0 and 1, e.g. 0.7 (or 70%, or 7/10)"

# What each DecisionInput field accepts, in words.
ALLOWED: dict[str, str] = {
    "task": "one of " + ", ".join(t.value for t in Task),
    "success_rate": _SHARE,
    "test_cases": _WHOLE,
    "prompt_iterations": _WHOLE,
    "target_success_rate": "a share above 0 and at most 1, e.g. 0.8",
    "failure_cause": "one of " + ", ".join(c.value for c in FailureCause),
    "systematic_failure_share": _SHARE,
    "labeled_examples": _WHOLE,
    "categories": "a whole number, 1 or more",
    "monthly_requests": _WHOLE,
    "tokens_per_request": "a whole number, 1 or more",
    "horizon_months": "a whole number of months from 1 to 120",
    "training_budget_usd": "an amount in US dollars, 0 or more",
    "language": "a two-letter ISO 639-1 code such as en, de or ja",
}


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming the field and what it accepts, e.g. 'success_rate must be ... (got 1.7)'."""
    errors = exc.errors()
    line = _describe(errors[0]) if errors else "the decision input is not valid"
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return line


def _describe(error: Any) -> str:
    loc = error.get("loc") or ()
    field = str(loc[0]) if loc else ""
    if error.get("type") == "model_type" or not field:
        return 'expected a JSON object of decision slots, e.g. {"task": "extraction"}'
    if error.get("type") == "extra_forbidden":
        known = ", ".join(DecisionInput.model_fields)
        return f"unknown field {field!r}; the fields are {known}"
    allowed = ALLOWED.get(field, str(error.get("msg", "a valid value")))
    return f"{field} must be {allowed} (got {_shown(error.get('input'))})"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
