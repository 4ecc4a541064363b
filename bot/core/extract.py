"""Deterministic slot extraction from free text: pure, no I/O, no LLM.

`extract(text, pending)` finds every DecisionInput slot a message states and the
span that stated it. Finders run in a fixed order and each number is used once,
so "10k/day" is volume, never examples. A bare number ("300", "70%") only fills
the slot being asked (`pending`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core import patterns as p
from bot.core.classify import best_reading, is_sure
from bot.core.numbers import as_count, find_numbers, parse_number
from bot.core.vocab import find_failure_cause, find_language, find_task

# Longer messages are read up to here: enough for any description, bounded work.
MAX_TEXT = 8_000
RATE_SLOTS = ("success_rate", "target_success_rate", "systematic_failure_share")
COUNT_SLOTS = (
    "test_cases",
    "prompt_iterations",
    "labeled_examples",
    "categories",
    "monthly_requests",
    "tokens_per_request",
    "horizon_months",
)


@dataclass
class Extraction:
    """The slots a message states (DecisionInput field -> value) and where it said so."""

    text: str
    slots: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    examples_per_category: int | None = None
    # Below the classifier's threshold: the likely value, offered first when asked.
    likely: dict[str, str] = field(default_factory=dict)
    # Counts whose role the words don't say ("we have 500"): offered, never filled.
    loose: list[int] = field(default_factory=list)

    def evidence(self, slot: str) -> str:
        """The words that gave a slot, e.g. '7/10' for success_rate."""
        start, end = self.spans[slot]
        return self.text[start:end]


@dataclass
class _Scan:
    text: str
    pending: str | None
    out: Extraction
    claimed: list[tuple[int, int]] = field(default_factory=list)
    names_cause: bool | None = None  # found once per message: asked for every number in it

    def free(self, *spans: tuple[int, int]) -> bool:
        return not any(s < ce and cs < e for s, e in spans for cs, ce in self.claimed)

    def put(self, slot: str, value: Any, span: tuple[int, int], *claims: tuple[int, int]) -> None:
        if slot in self.out.slots or not self.free(*claims):
            return
        self.out.slots[slot] = value
        self.out.spans[slot] = span
        self.claimed.extend(claims)


# Slack links and mentions, code spans, URLs, #channels: their numbers are never slot values.
_NOT_PROSE = re.compile(
    r"<[^<>\n]*>|```.*?```|`[^`\n]*`|\b(?:https?://|www\.)\S+|(?<!\w)#[\w-]*\d[\w-]*",
    re.DOTALL,
)


def mask(text: str) -> str:
    """`text` with links, mentions, code and URLs blanked out (same length: spans still fit)."""
    return _NOT_PROSE.sub(lambda m: " " * len(m.group(0)), text)


def extract(text: str, pending: str | None = None) -> Extraction:
    """Every slot stated in `text`; a lone number only fills the `pending` slot."""
    text = text[:MAX_TEXT]
    scan = _Scan(text=mask(text), pending=pending, out=Extraction(text=text))
    for finder in _FINDERS:
        finder(scan)
    scan.out.loose = _loose_counts(scan)
    return scan.out


def _loose_counts(scan: _Scan) -> list[int]:
    """Whole numbers in digits that no slot used and that are no share."""
    loose = []
    for start, end, value in find_numbers(scan.text):
        if not scan.free((start, end)) or p.is_word_number(scan.text, (start, end, value)):
            continue
        if re.match(p.PERCENT_SIGN, scan.text[end:]) or not 1 <= value < 1e9:
            continue
        if p.NOUN_AFTER.match(scan.text, end) or p.PEOPLE_BEFORE.search(scan.text[:start]):
            continue  # "12 models", "a team of 6": the words say it counts something else
        if re.fullmatch(r"(?:19|20)\d\d", scan.text[start:end]):
            continue  # a year
        loose.append(as_count(value))
    return loose


def _counts(scan: _Scan, slot: str, regexes: tuple[re.Pattern[str], ...]) -> None:
    for regex in regexes:
        for m in regex.finditer(scan.text):
            value = parse_number(m.group("n"))
            if value is not None:
                scan.put(slot, as_count(value), m.span(), m.span("n"))


def _test_cases(scan: _Scan) -> None:
    _counts(scan, "test_cases", p.TEST_CASES)


def _volume(scan: _Scan) -> None:
    for regex in p.VOLUME:
        for m in regex.finditer(scan.text):
            value = parse_number(m.group("n"))
            unit = m.group("unit").lower()
            per_month = next(f for key, f in p.PER_MONTH.items() if unit.startswith(key))
            if value is not None:
                scan.put("monthly_requests", as_count(value * per_month), m.span(), m.span("n"))


def _tokens(scan: _Scan) -> None:
    _counts(scan, "tokens_per_request", p.TOKENS)


def _budget(scan: _Scan) -> None:
    for regex in p.BUDGET:
        for m in regex.finditer(scan.text):
            if p.PAST_SPEND.search(scan.text[max(0, m.start() - 25) : m.start()]):
                continue
            value = parse_number(m.group("n"))
            if value is not None:
                value *= 1000 if m.group(0).lower().endswith("grand") else 1
                scan.put("training_budget_usd", value, m.span(), m.span("n"))


def _horizon(scan: _Scan) -> None:
    for m in p.HORIZON.finditer(scan.text):
        before = scan.text[max(0, m.start() - 25) : m.start()]
        if p.PAST_TIME.search(before) or p.AGO.match(scan.text[m.end() :]):
            continue
        value = parse_number(m.group("n"))
        if value is not None:
            months = value * (12 if m.group("unit").lower().startswith("y") else 1)
            scan.put("horizon_months", as_count(months), m.span(), m.span("n"))
    for m in p.NEXT_YEAR.finditer(scan.text):
        scan.put("horizon_months", 12, m.span(), m.span())


def _fractions(scan: _Scan) -> None:
    for m in p.FRACTION.finditer(scan.text):
        num, den = parse_number(m.group("n")), parse_number(m.group("d"))
        if num is None or not den or m.group(0).replace(" ", "") == "24/7":
            continue
        if m.group("n").lower() == "one" and m.group("sep").lower() == "of":
            continue  # "one of 22 components" picks one, it is no rate
        loose = not m.group("sep").lower().startswith("in")  # "3 in 10 days" is no rate
        found = _rate_slot(scan, m.start(), m.end(), num / den, loose=loose)
        if found:
            scan.put(found[0], found[1], m.span(), m.span("n"), m.span("d"))
            counted = "every" not in m.group("sep").lower()  # "3 of every 4" is a ratio
            if (
                counted
                and found[0] == "success_rate"
                and scan.out.spans.get("success_rate") == m.span()
            ):
                scan.put("test_cases", as_count(den), m.span())


def _percents(scan: _Scan) -> None:
    for m in p.PERCENT.finditer(scan.text):
        value = parse_number(m.group("n"))
        found = None if value is None else _rate_slot(scan, m.start(), m.end(), value / 100)
        if found:
            scan.put(found[0], found[1], m.span(), m.span("n"))
            _cases_after(scan, found[0], m.end())


def _share_words(scan: _Scan) -> None:
    """'about a fifth of outputs break': a share written in words."""
    for m in p.SHARE_WORD.finditer(scan.text):
        value = p.SHARE_WORDS[re.sub(r"\s+", " ", m.group("n").lower())]
        found = _rate_slot(scan, m.start(), m.end(), value)
        if found:
            scan.put(found[0], found[1], m.span(), m.span("n"))


def _counted_right(scan: _Scan) -> None:
    """'250 real tickets: 183 correct': right answers over the test cases is the rate."""
    cases = scan.out.slots.get("test_cases")
    if not cases or "success_rate" in scan.out.slots:
        return
    for m in p.COUNT_RIGHT.finditer(scan.text):
        value = parse_number(m.group("n"))
        if value is not None and 0 <= value <= cases:
            scan.put("success_rate", round(value / cases, 6), m.span(), m.span("n"))


def _decimals(scan: _Scan) -> None:
    for m in p.DECIMAL.finditer(scan.text):
        found = _rate_slot(scan, m.start(), m.end(), float(m.group("n")), strict=True)
        if found:
            scan.put(found[0], found[1], m.span(), m.span("n"))
            _cases_after(scan, found[0], m.end())


def _cases_after(scan: _Scan, slot: str, end: int) -> None:
    """'64% on 75 emails': the count a success rate was measured on is the test cases."""
    m = p.ON_CASES.match(scan.text, end)
    if slot == "success_rate" and m:
        value = parse_number(m.group("n"))
        if value is not None:
            scan.put("test_cases", as_count(value), m.span("n"), m.span("n"))


def _rate_slot(
    scan: _Scan, start: int, end: int, value: float, *, loose: bool = False, strict: bool = False
) -> tuple[str, float] | None:
    """Which rate a percentage or fraction states, from the words around it."""
    before, after = p.clause_before(scan.text, start), p.clause_after(scan.text, end)
    if p.TARGET_BEFORE.search(before) or p.TARGET_AFTER.match(after):
        return "target_success_rate", value
    if p.SUCCESS_AFTER.match(after) or p.ON_CASES.match(after):
        return "success_rate", value
    if p.SYSTEMATIC.search(before) or p.SYSTEMATIC.search(after):
        return "systematic_failure_share", value
    if p.FAIL_AFTER.match(after) and p.BECAUSE.search(after):
        return "systematic_failure_share", value  # "15% fail because of X": one cause's share
    if p.FAIL_AFTER.match(after) or p.FAIL_BEFORE.search(before):
        return "success_rate", round(1 - value, 6)
    if _describes_cause(scan):
        # "mostly our jargon, about 20% of cases": the share failing for that one cause.
        return "systematic_failure_share", value
    cue = p.STRICT_SUCCESS_BEFORE if strict else p.SUCCESS_BEFORE
    if cue.search(before) or (loose and scan.pending not in RATE_SLOTS):
        return "success_rate", value
    if scan.pending in RATE_SLOTS:
        return scan.pending, value
    return None


def _iterations(scan: _Scan) -> None:
    _counts(scan, "prompt_iterations", p.ITERATIONS)
    for m in p.ORDINAL_ITERATION.finditer(scan.text):
        word = m.group("n").lower()
        value = p.ORDINALS.get(word) or int(re.sub(r"\D", "", word))
        scan.put("prompt_iterations", value, m.span(), m.span("n"))
    none = p.NO_ITERATIONS.search(scan.text)
    if none:
        scan.put("prompt_iterations", 0, none.span())


def _categories(scan: _Scan) -> None:
    _counts(scan, "categories", p.CATEGORIES)
    listed = p.LISTED_LABELS.search(scan.text)
    if listed:
        items = re.split(r"\s*,\s*|\s+or\s+", listed.group("items"))
        scan.put("categories", len([i for i in items if i.strip(" ,")]), listed.span("items"))
    m = p.BINARY.search(scan.text)
    if m:
        scan.put("categories", 2, m.span())


def _examples(scan: _Scan) -> None:
    for regex in p.EXAMPLES:
        for m in regex.finditer(scan.text):
            value = parse_number(m.group("n"))
            if value is None or not scan.free(m.span("n")):
                continue
            if m.groupdict().get("per") and scan.out.examples_per_category is None:
                scan.out.examples_per_category = as_count(value)
                scan.out.spans["examples_per_category"] = m.span()
                scan.claimed.append(m.span("n"))
            else:
                scan.put("labeled_examples", as_count(value), m.span(), m.span("n"))
    none = p.NO_EXAMPLES.search(scan.text)
    if none:
        scan.put("labeled_examples", 0, none.span())


def _words(scan: _Scan) -> None:
    _task(scan)
    cause = find_failure_cause(scan.text)
    if _about_failures(scan):
        if cause:
            scan.put("failure_cause", cause[0], cause[1])
        else:
            _by_meaning(scan, "failure_cause")
    language = find_language(scan.text)
    if language:
        scan.put("language", language[0], language[1])


def _task(scan: _Scan) -> None:
    """Named task words first; choosing between categories is classification; else by meaning."""
    hit = find_task(scan.text)
    if "categories" in scan.out.slots and (hit is None or hit[0] != "classification"):
        scan.put("task", "classification", scan.out.spans["categories"])
    elif hit:
        scan.put("task", hit[0], hit[1])
    else:
        _by_meaning(scan, "task")


def _by_meaning(scan: _Scan, slot: str) -> None:
    """A described cause or task ('the bot invents refund rules'), when the reader is sure."""
    if len(scan.text.split()) > 120:
        return  # long pastes: keywords only, bounded work
    rates = [scan.out.spans[s] for s in RATE_SLOTS if s in scan.out.spans]
    reading = best_reading(slot, scan.text, skip=rates)
    if reading is None:
        return
    if is_sure(slot, reading):
        scan.put(slot, reading.label, reading.span)
    else:
        scan.out.likely.setdefault(slot, reading.label)


def _about_failures(scan: _Scan) -> bool:
    return scan.pending == "failure_cause" or bool(p.FAILURE_TALK.search(scan.text))


def _describes_cause(scan: _Scan) -> bool:
    """True when the message names why cases fail (or answers that question)."""
    if scan.names_cause is None:
        scan.names_cause = scan.pending == "failure_cause" or (
            find_failure_cause(scan.text) is not None and _about_failures(scan)
        )
    return scan.names_cause


def _pending_answer(scan: _Scan) -> None:
    """A lone number (or word) answers the question being asked."""
    slot = scan.pending
    if slot is None or slot in scan.out.slots:
        return
    value = bare_value(slot, scan.text, [n for n in find_numbers(scan.text) if scan.free(n[:2])])
    if value is not None:
        scan.put(slot, value, (0, len(scan.text)))


def bare_value(slot: str, text: str, numbers: list[tuple[int, int, float]]) -> Any:
    """Interpret a short answer for one slot: '70' for success_rate is 0.7."""
    stripped = text.strip().lower()
    if slot in ("task", "failure_cause") and stripped in p.ENUM_WORDS[slot]:
        return p.ENUM_WORDS[slot][stripped]
    if slot == "language" and re.fullmatch(r"[a-z]{2}", stripped):
        return stripped
    if slot in COUNT_SLOTS and p.NONE_WORDS.fullmatch(stripped):
        return 0
    digits = [n for n in numbers if not p.is_word_number(text, n) or len(numbers) == 1]
    if len(digits) != 1:
        return None
    _, end, value = digits[0]
    is_percent = bool(re.match(p.PERCENT_SIGN, text[end:]))
    if slot in RATE_SLOTS:
        return value / 100 if is_percent or value > 1 else value
    if slot in COUNT_SLOTS and not is_percent:
        return as_count(value)
    if slot == "training_budget_usd" and not is_percent:
        return value
    return None


_FINDERS = (
    _test_cases,
    _volume,
    _tokens,
    _budget,
    _horizon,
    _fractions,
    _percents,
    _decimals,
    _iterations,
    _share_words,
    _counted_right,
    _categories,
    _examples,
    _words,
    _pending_answer,
)
