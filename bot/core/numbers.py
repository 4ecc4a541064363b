"""Numbers as people type them: 300, ~1.2k, 10,000, 2M, seventy, a dozen.

Regex fragments for the extractors and one parser; pure, no I/O.
"""

from __future__ import annotations

import math
import re

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "million": 1e6,
    "bn": 1e9,
    "billion": 1e9,
    "hundred": 1e2,
}

_SMALL_UNITS = "|".join(sorted((u for u in _UNITS if _UNITS[u] < 10), key=len, reverse=True))
_ALL_UNITS = "|".join(sorted(_UNITS, key=len, reverse=True))
_TEN_WORDS = "|".join(_TENS)

WORD_NUMBER = (
    rf"(?:(?:{_TEN_WORDS})(?:[\s-](?:{_SMALL_UNITS}))?|{_ALL_UNITS}|a\s+dozen|a\s+hundred|dozen)"
)
DIGITS = r"(?:(?<![\w.,/])-)?(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d++(?:\.\d++)?(?!\.?\d)|\.\d++)"
_SUFFIX = r"(?:\s?(?:k|mm|m|bn)\b|\s(?:thousand|million|billion)\b)"

# One number as typed. Digits must not be glued to letters ("gpt4" is not 4).
NUMBER = (
    rf"(?:(?<![\w$€£.]){DIGITS}{_SUFFIX}?(?![\w%])|(?<![\w$€£.]){DIGITS}{_SUFFIX}?(?=%)"
    rf"|\b{WORD_NUMBER}\b(?:\s(?:thousand|million|hundred)\b)?)"
)
# A number with a currency sign in front: $3k, € 500.
MONEY = rf"[$€£]\s?{DIGITS}{_SUFFIX}?"
PERCENT_SIGN = r"\s*(?:%|percent\b|per\s?cent\b|pct\b)"

_NUMBER_RE = re.compile(NUMBER, re.IGNORECASE)


def parse_number(raw: str) -> float | None:
    """The value of one number as typed ("1.2k" -> 1200.0, "seventy five" -> 75.0), or None."""
    text = raw.strip().lower().lstrip("$€£~").strip()
    text = re.sub(r"\s+", " ", text)
    match = re.fullmatch(r"(-?[\d,]*\.?\d+)\s?([a-z]+)?", text)
    if match:
        digits, suffix = match.groups()
        scale = _SCALES.get(suffix) if suffix else 1.0
        value = float(digits.replace(",", "")) * scale if scale is not None else math.inf
        return value if math.isfinite(value) else None
    return _parse_words(text)


def _parse_words(text: str) -> float | None:
    """Word numbers: 'seventy five', 'a dozen', 'two thousand'."""
    words = text.replace("-", " ").split()
    if not words:
        return None
    total = 0.0
    for word in words:
        if word == "a":
            continue
        if word == "dozen":
            total = (total or 1) * 12.0
        elif word in _UNITS:
            total += _UNITS[word]
        elif word in _TENS:
            total += _TENS[word]
        elif word in _SCALES:
            total = (total or 1) * _SCALES[word]
        else:
            return None
    return total


def find_numbers(text: str) -> list[tuple[int, int, float]]:
    """Every number in `text` as (start, end, value)."""
    found = []
    for match in _NUMBER_RE.finditer(text):
        value = parse_number(match.group(0))
        if value is not None:
            found.append((match.start(), match.end(), value))
    return found


def as_count(value: float) -> int:
    """A count from a parsed number: 1.2k -> 1200, 299.6 -> 300."""
    return round(value)
