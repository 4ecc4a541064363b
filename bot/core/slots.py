"""What the dialogue knows about each slot: how to ask, show, parse and check it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.core.extract import COUNT_SLOTS, bare_value, extract
from bot.core.messages import Choice
from bot.core.numbers import find_numbers
from bot.core.vocab import LANGUAGES
from bot.engine.models import DecisionInput, FailureCause, Task
from bot.engine.wording import count, language_name, pct, usd

MAX_QUESTIONS = 5
SKIP = "skip"
DONT_KNOW = "dont_know"

LABELS = {
    "task": "task",
    "success_rate": "success rate",
    "test_cases": "test cases",
    "prompt_iterations": "prompt iterations",
    "target_success_rate": "target success rate",
    "failure_cause": "failure cause",
    "systematic_failure_share": "systematic failures",
    "labeled_examples": "labeled examples",
    "categories": "categories",
    "monthly_requests": "monthly requests",
    "tokens_per_request": "tokens per request",
    "horizon_months": "horizon",
    "training_budget_usd": "training budget",
    "language": "language",
}

QUESTIONS = {
    "task": "What does the AI feature do?",
    "success_rate": "How often does your best prompt get it right? (e.g. 7/10 or 70%)",
    "test_cases": "How many test cases is that success rate measured on?",
    "prompt_iterations": "How many prompt versions have you tried so far?",
    "target_success_rate": "What success rate would be good enough? (e.g. 90%)",
    "failure_cause": "When it fails, what goes wrong most often?",
    "systematic_failure_share": "What share of all cases fail in the same, systematic way? "
    "(e.g. 15%)",
    "labeled_examples": "How many labeled examples (input → desired output pairs) do you have?",
    "categories": "How many categories does it choose between?",
    "monthly_requests": "About how many requests a month will it handle? (e.g. 200k)",
    "tokens_per_request": "About how many tokens (input + output) does one request use?",
    "horizon_months": "Over how many months should I compare costs? (e.g. 24 months)",
    "training_budget_usd": "What budget do you have for training, in dollars? (e.g. $3k)",
    "language": "What language is the content in? (e.g. English, Japanese)",
}

_CAUSE_LABELS = {
    FailureCause.knowledge: "Missing knowledge / facts",
    FailureCause.format: "Wrong output format",
    FailureCause.terminology: "Domain terminology",
    FailureCause.style: "Tone or style",
    FailureCause.reasoning: "Reasoning or math",
    FailureCause.random: "Random, no pattern",
}

ALLOWED = {
    "task": "one of " + ", ".join(t.value for t in Task),
    "success_rate": "a share between 0% and 100%, like 70% or 7/10",
    "target_success_rate": "a share above 0% and at most 100%, like 90%",
    "systematic_failure_share": "a share between 0% and 100%, like 15%",
    "failure_cause": "one of " + ", ".join(c.value for c in FailureCause),
    "categories": "a whole number of at least 1",
    "tokens_per_request": "a whole number of at least 1",
    "horizon_months": "a number of months from 1 to 120, like 24 or '2 years'",
    "training_budget_usd": "an amount of 0 or more, like $3k",
    "language": "a language name or two-letter code, like Japanese or ja",
}
_COUNT = "a whole number of 0 or more"


def choices(slot: str, likely: Any = None) -> list[Choice]:
    """Quick replies for a question: the values of enumerated slots (the `likely` one first),
    or a number the person mentioned without saying what it counts; then skip / don't know."""
    options: list[Choice] = []
    if slot == "task":
        options = [Choice(label=t.value.capitalize(), value=t.value) for t in Task]
    elif slot == "failure_cause":
        options = [Choice(label=label, value=c.value) for c, label in _CAUSE_LABELS.items()]
    elif likely is not None and slot in COUNT_SLOTS:
        options = [Choice(label=count(int(likely)), value=str(int(likely)))]
    options.sort(key=lambda c: c.value != likely)  # stable: the likely choice first
    return [*options, Choice(label="Skip", value=SKIP), Choice(label="Don't know", value=DONT_KNOW)]


def check(slot: str, value: Any) -> str | None:
    """Why a value is not allowed for a slot (a friendly sentence), or None when it is fine."""
    if slot not in DecisionInput.model_fields:
        return f"I don't know a field called '{slot}'."
    try:
        DecisionInput.model_validate({slot: value})
    except ValidationError:
        return f"{_describe(slot, value)} doesn't work for the {LABELS[slot]}: it must be " + (
            ALLOWED.get(slot, _COUNT) + "."
        )
    return None


def _describe(slot: str, value: Any) -> str:
    rates = ("success_rate", "target_success_rate", "systematic_failure_share")
    if isinstance(value, float) and slot in rates and value == value:  # not NaN
        return pct(value)
    return f"'{value}'"


def parse(slot: str, raw: Any) -> Any:
    """A slot value from a button, a form field or a typed answer ('70%', '1.2k', 'Japanese').

    Returns the raw value unchanged when it cannot be read, so `check` explains it.
    """
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if slot == "language":
        return LANGUAGES.get(text.lower(), text.lower())
    if slot in ("task", "failure_cause"):
        found = extract(text, pending=slot).slots.get(slot)
        return found if found is not None else text.lower()
    found = extract(text, pending=slot).slots.get(slot)
    if found is not None:
        return found
    value = bare_value(slot, text, find_numbers(text))
    return text if value is None else value


def show(slot: str, value: Any) -> str:
    """A slot value as a person reads it: 0.7 -> '70%', 200000 -> '200,000 a month'."""
    if value is None:
        return "—"
    if slot in ("success_rate", "target_success_rate", "systematic_failure_share"):
        return pct(float(value))
    if slot == "training_budget_usd":
        return usd(float(value))
    if slot == "monthly_requests":
        return f"{count(int(value))} a month"
    if slot == "horizon_months":
        return f"{int(value)} months"
    if slot == "language":
        return f"{language_name(str(value))} ({value})"
    if isinstance(value, int):
        return count(value)
    return str(value.value if hasattr(value, "value") else value)


def summary(slots: dict[str, Any]) -> str:
    """One line of what is known: 'task classification · success rate 70% · …'."""
    parts = []
    for slot in LABELS:
        if slot in slots and slot != "test_cases":
            text = f"{LABELS[slot]} {show(slot, slots[slot])}"
            if slot == "success_rate" and "test_cases" in slots:
                text += f" (on {slots['test_cases']} test cases)"
            parts.append(text)
    if "test_cases" in slots and "success_rate" not in slots:
        parts.append(f"test cases {slots['test_cases']}")
    return " · ".join(parts)
