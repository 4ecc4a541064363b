"""`advisor decide`: run the decision engine on slots given as flags or JSON on stdin."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import select
import sys
from typing import Any

from pydantic import ValidationError

from bot.cli import UsageError
from bot.engine import DecisionInput, Recommendation, decide
from bot.engine.errors import ALLOWED, describe_validation_error
from bot.settings import Settings

HELP = "Recommend better prompts, RAG or fine-tuning from what you know (flags or JSON)."

# field -> (kind, help). Kinds: choice, share, int, money, text.
SLOTS: dict[str, tuple[str, str]] = {
    "task": ("choice", "what the feature does"),
    "success_rate": ("share", "share of test cases the best prompt gets right: 0.7, 70%% or 7/10"),
    "test_cases": ("int", "how many test cases that rate comes from"),
    "prompt_iterations": ("int", "prompt versions tried so far"),
    "target_success_rate": ("share", "success rate that is enough (default 0.8)"),
    "failure_cause": ("choice", "why the failures happen"),
    "systematic_failure_share": ("share", "share of all cases failing one systematic way"),
    "labeled_examples": ("int", "labeled input/output pairs you have"),
    "categories": ("int", "classes, for a classifier"),
    "monthly_requests": ("int", "requests per month (enables the cost comparison)"),
    "tokens_per_request": ("int", "input+output tokens a request (default 1000)"),
    "horizon_months": ("int", "months to cost over (default 12)"),
    "training_budget_usd": ("money", "money available for training, in USD"),
    "language": ("text", "ISO 639-1 code of the content's language (default en)"),
}
STDIN_WAIT_S = 0.2  # how long a non-terminal stdin may take to show it has content


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The slots as flags, plus --json and --stdin."""
    for field, (kind, help_text) in SLOTS.items():
        if kind == "choice":
            help_text += ": " + ALLOWED[field].removeprefix("one of ")
        flag = f"--{field.replace('_', '-')}"
        metavar = field.upper() if kind in ("choice", "text") else kind.upper()
        parser.add_argument(flag, dest=field, metavar=metavar, help=help_text)
    parser.add_argument("--json", action="store_true", help="print the Recommendation as JSON")
    parser.add_argument(
        "--stdin", action="store_true", help="read a JSON object of slots from stdin"
    )
    parser.add_argument("source", nargs="?", metavar="-", help="'-' also reads JSON from stdin")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Decide, then print a card (or JSON with --json)."""
    if args.source not in (None, "-"):
        raise UsageError(f"unexpected argument {args.source!r}; use flags, or '-' for stdin JSON")
    recommendation = decide(build_input(args, _read_stdin(args.stdin or args.source == "-")))
    try:
        _print(recommendation, as_json=args.json)
    except BrokenPipeError:  # e.g. `advisor decide --json | head`: the reader left early
        _silence_stdout()
    return 0


def _print(recommendation: Recommendation, as_json: bool) -> None:
    if as_json:
        print(recommendation.model_dump_json(indent=2), flush=True)
        return
    from rich.console import Console

    from bot.terminal.recommendation import render_recommendation

    Console().print(render_recommendation(recommendation))
    sys.stdout.flush()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def build_input(args: argparse.Namespace, stdin_text: str) -> DecisionInput:
    """JSON from stdin, overridden by flags, validated (UsageError naming the field)."""
    data = _parse_json(stdin_text)
    flags = {field: getattr(args, field) for field in SLOTS if getattr(args, field) is not None}
    for field, text in flags.items():
        data[field] = _parse_flag(field, text)
    rate = flags.get("success_rate")
    denominator = _denominator(rate) if rate else None
    if denominator is not None and "test_cases" not in data:
        data["test_cases"] = denominator  # "7/10" says how many cases the rate comes from
    try:
        return DecisionInput.model_validate(data)
    except ValidationError as exc:
        raise UsageError(describe_validation_error(exc)) from None


def _parse_json(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"stdin is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            'expected an object such as {"task": "extraction", "success_rate": 0.6}'
        ) from None
    if not isinstance(data, dict):
        raise UsageError('stdin must hold a JSON object of slots, e.g. {"task": "extraction"}')
    for field in ("success_rate", "target_success_rate", "systematic_failure_share"):
        if isinstance(data.get(field), str):
            data[field] = parse_share(field, data[field])
    return data


def _parse_flag(field: str, text: str) -> Any:
    kind = SLOTS[field][0]
    if kind == "share":
        return parse_share(field, text)
    if kind == "int":
        return _parse_number(field, text, whole=True)
    if kind == "money":
        return _parse_number(field, text.replace("$", ""), whole=False)
    return text.strip()


_FRACTION = re.compile(r"^\s*(\d+)\s*(?:/|of)\s*(\d+)\s*$")


def parse_share(field: str, text: str) -> float:
    """'0.7', '70%' or '7/10' -> 0.7; out-of-range values are left to validation."""
    cleaned = text.strip()
    fraction = _FRACTION.match(cleaned)
    try:
        if fraction:
            right, total = int(fraction[1]), int(fraction[2])
            if total == 0:
                raise ValueError
            return right / total
        if cleaned.endswith("%"):
            return float(cleaned[:-1]) / 100
        return float(cleaned)
    except ValueError:
        raise UsageError(f"{field} must be {ALLOWED[field]} (got {text!r})") from None


def _denominator(text: str) -> int | None:
    fraction = _FRACTION.match(text)
    return int(fraction[2]) if fraction else None


_SUFFIX = {"k": 1_000, "m": 1_000_000}


def _parse_number(field: str, text: str, whole: bool) -> int | float:
    """'1,000', '1.2k' or '3m'; a whole number unless `whole` is False."""
    cleaned = text.strip().lower().replace(",", "").replace("_", "")
    scale = _SUFFIX.get(cleaned[-1:], 1)
    if scale != 1:
        cleaned = cleaned[:-1]
    try:
        value = float(cleaned) * scale
    except ValueError:
        raise UsageError(f"{field} must be {ALLOWED[field]} (got {text!r})") from None
    if not whole:
        return value
    if value != int(value):
        raise UsageError(f"{field} must be {ALLOWED[field]} (got {text!r})")
    return int(value)


def _read_stdin(explicit: bool) -> str:
    """stdin's text when asked for, or when it is not a terminal and has content."""
    stream = sys.stdin
    if stream is None:
        return ""
    if not explicit and (_is_terminal(stream) or not _has_input(stream)):
        return ""
    try:
        return stream.read()
    except (OSError, ValueError) as exc:
        if explicit:
            raise UsageError(f"cannot read stdin ({exc})") from None
        return ""


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return True


def _has_input(stream: Any) -> bool:
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return True  # an in-memory stream: reading it cannot block
    try:
        ready, _, _ = select.select([fd], [], [], STDIN_WAIT_S)
    except (OSError, ValueError):
        return True
    return bool(ready)
