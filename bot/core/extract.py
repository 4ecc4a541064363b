"""Deterministic slot extraction from free text: pure, no I/O, no LLM.

`extract(text, pending)` finds every DecisionInput slot a message states and the
span that stated it. Finders run in a fixed order and each number is used once,
so "10k/day" is volume, never examples. A bare number ("300", "70%") only fills
the slot being asked (`pending`).
"""

from __future__ import annotations

import re
from typing import Any

from bot.core import patterns as p
from bot.core import rates
from bot.core.classify import (
    CAUSE_CLAUSE_BAR,
    PLAIN_CLAUSE_BAR,
    Reading,
    is_sure,
    readings,
)
from bot.core.numbers import as_count, find_numbers, parse_number
from bot.core.scan import COUNT_SLOTS, RATE_SLOTS, Extraction, Scan, about_failures
from bot.core.vocab import find_failure_cause, find_language, find_task

__all__ = ["COUNT_SLOTS", "RATE_SLOTS", "Extraction", "bare_value", "extract", "mask"]

# Longer messages are read up to here: enough for any description, bounded work.
MAX_TEXT = 8_000
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
    scan = Scan(text=mask(text), pending=pending, out=Extraction(text=text))
    for finder in _FINDERS:
        finder(scan)
    scan.out.loose = _loose_counts(scan)
    return scan.out


def _loose_counts(scan: Scan) -> list[int]:
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


def _counts(scan: Scan, slot: str, regexes: tuple[re.Pattern[str], ...]) -> None:
    for regex in regexes:
        for m in regex.finditer(scan.text):
            value = parse_number(m.group("n"))
            if value is not None:
                scan.put(slot, as_count(value), m.span(), m.span("n"))


def _test_cases(scan: Scan) -> None:
    _counts(scan, "test_cases", p.TEST_CASES)


def _volume(scan: Scan) -> None:
    for regex in p.VOLUME:
        for m in regex.finditer(scan.text):
            value = parse_number(m.group("n"))
            if p.PER_PERSON_BEFORE.search(p.clause_before(scan.text, m.start())):
                continue
            if p.PER_PERSON_AFTER.match(scan.text, m.end()):
                continue
            unit = m.group("unit").lower()
            per_month = next(f for key, f in p.PER_MONTH.items() if unit.startswith(key))
            if value is not None:
                scan.put("monthly_requests", as_count(value * per_month), m.span(), m.span("n"))


def _tokens(scan: Scan) -> None:
    _counts(scan, "tokens_per_request", p.TOKENS)


def _budget(scan: Scan) -> None:
    for regex in p.BUDGET:
        for m in regex.finditer(scan.text):
            if p.PAST_SPEND.search(scan.text[max(0, m.start() - 25) : m.start()]):
                continue
            value = parse_number(m.group("n"))
            if value is not None:
                value *= 1000 if m.group(0).lower().endswith("grand") else 1
                scan.put("training_budget_usd", value, m.span(), m.span("n"))


def _horizon(scan: Scan) -> None:
    """'over the next 2 years', 'a 36-month window', '18mo': how long to compare costs over.

    Spans of the past ('we've run it for 8 months'), dates ('launch in 3 months') and
    rhythms ('retrain every 6 months') are no horizon.
    """
    for regex in (p.HORIZON, p.HORIZON_GLUED):
        for m in regex.finditer(scan.text):
            before = scan.text[max(0, m.start() - 30) : m.start()]
            if p.PAST_TIME.search(before) or p.AGO.match(scan.text[m.end() :]):
                continue
            if p.NOT_A_SPAN.search(before):
                continue
            value = parse_number(m.group("n"))
            if value is not None:
                months = value * (12 if m.group("unit").lower().startswith("y") else 1)
                scan.put("horizon_months", as_count(months), m.span(), m.span("n"))
    for m in p.YEAR_AND_HALF.finditer(scan.text):
        scan.put("horizon_months", 18, m.span(), m.span())
    for m in p.NEXT_YEAR.finditer(scan.text):
        scan.put("horizon_months", 12, m.span(), m.span())


def _iterations(scan: Scan) -> None:
    _counts(scan, "prompt_iterations", p.ITERATIONS)
    for m in p.ORDINAL_ITERATION.finditer(scan.text):
        word = m.group("n").lower()
        value = p.ORDINALS.get(word) or int(re.sub(r"\D", "", word))
        scan.put("prompt_iterations", value, m.span(), m.span("n"))
    none = p.NO_ITERATIONS.search(scan.text)
    if none:
        scan.put("prompt_iterations", 0, none.span())


def _categories(scan: Scan) -> None:
    _counts(scan, "categories", p.CATEGORIES)
    listed = p.LISTED_LABELS.search(scan.text)
    if listed:
        items = re.split(r"\s*,\s*|\s+or\s+", listed.group("items"))
        scan.put("categories", len([i for i in items if i.strip(" ,")]), listed.span("items"))
    m = p.BINARY.search(scan.text)
    if m:
        scan.put("categories", 2, m.span())


def _examples(scan: Scan) -> None:
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


def _words(scan: Scan) -> None:
    _cause(scan)
    _task(scan)
    language = find_language(scan.text)
    if language:
        scan.put("language", language[0], language[1])


def _cause(scan: Scan) -> None:
    """A named cause when the message talks of failures; else one read by meaning.

    Without failure words, "json" or "a warm tone" is more often a requirement than a
    failure: nothing is filled, the likely cause is only offered first if it is asked.
    """
    cause = find_failure_cause(scan.text)
    if not about_failures(scan):
        found = _readings(scan, "failure_cause")
        likely = cause[0] if cause else found[0].label if found else None
        if likely:
            scan.out.likely.setdefault("failure_cause", likely)
    elif cause:
        scan.put("failure_cause", cause[0], cause[1])
    else:
        _by_meaning(scan, "failure_cause")


def _task(scan: Scan) -> None:
    """Named task words first; choosing between categories is classification; else by meaning.

    A reply to the failure-cause question is about the cause, so it is not read for a task.
    """
    hit = find_task(scan.text)
    if "categories" in scan.out.slots and (hit is None or hit[0] != "classification"):
        scan.put("task", "classification", scan.out.spans["categories"])
    elif hit:
        scan.put("task", hit[0], hit[1])
    elif scan.pending != "failure_cause":
        _by_meaning(scan, "task")


def _readings(scan: Scan, slot: str) -> list[Reading]:
    if len(scan.text.split()) > 120:
        return []  # long pastes: keywords only, bounded work
    stated = [scan.out.spans[s] for s in RATE_SLOTS if s in scan.out.spans]
    return readings(slot, scan.text, skip=stated)


def _by_meaning(scan: Scan, slot: str) -> None:
    """A described cause or task ('the bot invents refund rules'), when the reader is sure.

    A cause is read only from a clause that talks of failing (or a reply to the cause
    question); a task read from such a clause needs a surer reading.
    """
    found = [
        r
        for r in _readings(scan, slot)
        # "replies in Dutch" names the language, not a translation
        if slot != "task" or r.label != "translation" or _between_languages(scan, r)
    ]
    if slot == "failure_cause" and p.PATTERNED_FAILURE.search(scan.text):
        found = [r for r in found if r.label != "random"]  # "the same error every time"
    cause_span = scan.out.spans.get("failure_cause") if slot == "task" else None
    for reading in found:
        complains = _complains(scan, reading)
        in_cause = cause_span is not None and _overlap(reading.span, cause_span)
        if slot == "task" and (in_cause or complains):
            bar = CAUSE_CLAUSE_BAR  # "replies run way too long" is about a failure, not the task
        elif slot == "failure_cause" and scan.pending != slot and not complains:
            bar = PLAIN_CLAUSE_BAR  # "we run a support bot": no words about failing here
        else:
            bar = None
        if is_sure(slot, reading, scan.pending == slot, bar):
            scan.put(slot, reading.label, reading.span)
            return
    if found:
        scan.out.likely.setdefault(slot, found[0].label)


def _complains(scan: Scan, reading: Reading) -> bool:
    """Whether the clause a reading came from talks of failing ('way too long', 'mixes up')."""
    return bool(p.FAILURE_TALK.search(scan.text[reading.span[0] : reading.span[1]]))


def _between_languages(scan: Scan, reading: Reading) -> bool:
    """Whether a clause moves text into, out of or between languages."""
    return bool(p.BETWEEN_LANGUAGES.search(scan.text[reading.span[0] : reading.span[1]]))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _pending_answer(scan: Scan) -> None:
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
    rates.fractions,
    rates.percents,
    rates.decimals,
    rates.bare_targets,
    _iterations,
    rates.share_words,
    rates.counted_right,
    rates.earlier_rates,
    _categories,
    _examples,
    _words,
    _pending_answer,
)
