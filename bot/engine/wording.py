"""How the engine writes the team's numbers: percentages, counts, money, languages."""

from __future__ import annotations

from bot.engine.facts import Facts
from bot.engine.models import Approach

# What every channel calls each approach, so Slack and the terminal say the same thing.
APPROACH_TITLES: dict[Approach, str] = {
    Approach.done: "Prompting is enough",
    Approach.iterate_prompt: "Keep improving the prompt",
    Approach.add_rag: "Add retrieval (RAG)",
    Approach.collect_data: "Collect training data first",
    Approach.fine_tune: "Fine-tune",
    Approach.hybrid: "Combine prompting and fine-tuning",
    Approach.rethink: "Rethink the problem",
}

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}


def pct(value: float) -> str:
    """0.7 -> '70%', 0.875 -> '87.5%'."""
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def count(value: int) -> str:
    """1000 -> '1,000'."""
    return f"{value:,}"


def usd(value: float) -> str:
    """2000 -> '$2,000', 37.5 -> '$37.50'."""
    if value >= 100 or value == int(value):
        return f"${value:,.0f}"
    return f"${value:,.2f}"


def plural(n: int, word: str) -> str:
    """plural(1, 'run') -> '1 run'; plural(2, 'run') -> '2 runs'."""
    return f"{count(n)} {word}{'' if n == 1 else 's'}"


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code, or the code itself."""
    return LANGUAGE_NAMES.get(code, code)


def rate_phrase(rate: float, test_cases: int | None) -> str:
    """'70% (7 of 10)' when the cases divide evenly, else '70% of 12 cases', or just '70%'."""
    if not test_cases:
        return pct(rate)
    right = rate * test_cases
    if abs(right - round(right)) < 1e-6:
        return f"{pct(rate)} ({round(right)} of {test_cases})"
    return f"{pct(rate)} of {plural(test_cases, 'case')}"


def words(f: Facts) -> dict[str, str]:
    """The values a rule's reason template may use, already written out."""
    s = f.slots
    rate = s.success_rate
    out = {
        "target": pct(s.target_success_rate),
        "needed": count(f.needed_examples),
        "ideal": count(f.ideal_examples),
        "categories": count(s.categories or 0),
        "horizon": plural(s.horizon_months, "month"),
        "language": language_name(s.language),
        "task": s.task.value if s.task else "task",
        "cause": s.failure_cause.value if s.failure_cause else "unexplained",
        "rate": pct(rate) if rate is not None else "unknown",
        "rate_phrase": rate_phrase(rate, s.test_cases) if rate is not None else "unknown",
        "fail_rate": pct(1 - rate) if rate is not None else "unknown",
        "test_cases": count(s.test_cases) if s.test_cases is not None else "an unknown number of",
        "share": pct(f.systematic_share) if f.systematic_share is not None else "some",
        "budget": usd(s.training_budget_usd) if s.training_budget_usd is not None else "unknown",
    }
    out["share_source"] = _share_source(f)
    out.update(_iteration_words(s.prompt_iterations))
    out.update(_example_words(s.labeled_examples))
    return out


def _share_source(f: Facts) -> str:
    cause = f.slots.failure_cause
    if f.share_inferred and cause is not None:
        return f" (every failing case, taking {cause.value} as the cause)"
    if cause is not None and f.systematic:
        return f" ({cause.value})"
    return ""


def _iteration_words(iterations: int | None) -> dict[str, str]:
    if iterations is None:
        return {
            "iterations": "an unknown number of",
            "after_iterations": "",
            "iterations_so_far": "You haven't said how many prompt iterations you have tried",
        }
    return {
        "iterations": count(iterations),
        "after_iterations": f" after {plural(iterations, 'iteration')}",
        "iterations_so_far": f"Only {plural(iterations, 'prompt iteration')} so far",
    }


def _example_words(labeled: int | None) -> dict[str, str]:
    if labeled is None:
        return {"labeled": "an unknown number of", "you_have": "you haven't said how many"}
    return {"labeled": count(labeled), "you_have": f"you have {count(labeled)}"}
