"""Rates in a message: '7/10', '70%', '0.74 accuracy', 'a fifth of', '183 correct'.

Which rate a number states (success, target, systematic failures) comes from the
words around it; a success rate "on 75 emails" also gives the test cases. Pure.
"""

from __future__ import annotations

import re

from bot.core import patterns as p
from bot.core.numbers import as_count, parse_number
from bot.core.scan import RATE_SLOTS, Scan, describes_cause


def fractions(scan: Scan) -> None:
    for m in p.FRACTION.finditer(scan.text):
        num, den = parse_number(m.group("n")), parse_number(m.group("d"))
        if num is None or not den or m.group(0).replace(" ", "") == "24/7":
            continue
        sep = m.group("sep").lower()
        after = p.clause_after(scan.text, m.end())
        picks_one = num == 1 and sep == "of" and not p.SUCCESS_AFTER.match(after)
        if picks_one and not p.FAIL_AFTER.match(after):
            continue  # "one of 22 components", "1 of 12 reasons" picks one, it is no rate
        loose = not sep.startswith("in")  # "3 in 10 days" is no rate
        found = _rate_slot(scan, m.start(), m.end(), num / den, loose=loose)
        if found and _earlier(scan, found, m.span(), m.span("n"), m.span("d")):
            continue
        if found:
            claims = [m.span("n"), m.span("d")]
            if scan.out.slots.get("test_cases") == as_count(den) and not scan.free(m.span("d")):
                claims.pop()  # "14 out of 20 test scenarios": the 20 is both, no conflict
            scan.put(found[0], found[1], m.span(), *claims)
            _cases_after(scan, found[0], m.end())  # "3 out of 5 on the 25 we tried": 25
            # "3 of every 4" is a ratio; "3.5/5", "4/5 on average" are ratings, not cases
            # "1/3 of the outputs" is a share of them, not a count of cases
            counted = "every" not in sep and float(num).is_integer()
            counted = counted and not re.match(r"\s+of\b", scan.text[m.end() :])
            counted = counted and not p.AVERAGE.search(
                scan.text[max(0, m.start() - 30) : m.end() + 30]
            )
            if (
                counted
                and found[0] == "success_rate"
                and scan.out.spans.get("success_rate") == m.span()
            ):
                scan.put("test_cases", as_count(den), m.span())


def percents(scan: Scan) -> None:
    for m in p.PERCENT.finditer(scan.text):
        value = parse_number(m.group("n"))
        found = None if value is None else _rate_slot(scan, m.start(), m.end(), value / 100)
        if found and _earlier(scan, found, m.span(), m.span("n")):
            continue
        if found:
            scan.put(found[0], found[1], m.span(), m.span("n"))
            _cases_after(scan, found[0], m.end())


def bare_targets(scan: Scan) -> None:
    """'target 90', 'need it at 95': a target share said without a percent sign."""
    for m in p.TARGET_BARE.finditer(scan.text):
        group = "n" if m.group("n") else "m"
        value = parse_number(m.group(group))
        if value is not None and 50 <= value <= 100:
            scan.put("target_success_rate", value / 100, m.span(), m.span(group))


def share_words(scan: Scan) -> None:
    """'about a fifth of outputs break': a share written in words."""
    for m in p.SHARE_WORD.finditer(scan.text):
        value = p.SHARE_WORDS[re.sub(r"\s+", " ", m.group("n").lower())]
        found = _rate_slot(scan, m.start(), m.end(), value)
        if found:
            scan.put(found[0], found[1], m.span(), m.span("n"))


def counted_right(scan: Scan) -> None:
    """'250 real tickets: 183 correct': right answers over the test cases is the rate."""
    cases = scan.out.slots.get("test_cases")
    if not cases or "success_rate" in scan.out.slots:
        return
    for m in p.COUNT_RIGHT.finditer(scan.text):
        value = parse_number(m.group("n"))
        if value is not None and 0 <= value <= cases:
            scan.put("success_rate", round(value / cases, 6), m.span(), m.span("n"))


def decimals(scan: Scan) -> None:
    for m in p.DECIMAL.finditer(scan.text):
        found = _rate_slot(scan, m.start(), m.end(), float(m.group("n")), strict=True)
        if found and _earlier(scan, found, m.span(), m.span("n")):
            continue
        if found:
            scan.put(found[0], found[1], m.span(), m.span("n"))
            _cases_after(scan, found[0], m.end())


def _earlier(
    scan: Scan, found: tuple[str, float], span: tuple[int, int], *claims: tuple[int, int]
) -> bool:
    """'from 60% to 72%', 'was 50%': an earlier success rate, kept only if no later one is said.

    The count it was measured on ("was 70% on 50 cases") still gives the test cases.
    """
    before = p.clause_before(scan.text, span[0])
    if found[0] != "success_rate" or not p.EARLIER_BEFORE.search(before):
        return False
    scan.earlier.append((found[1], span, claims))
    _cases_after(scan, "success_rate", span[1])
    return True


def earlier_rates(scan: Scan) -> None:
    """The earlier success rate, when the message says no later one."""
    for value, span, claims in scan.earlier:
        scan.put("success_rate", value, span, *claims)


def _cases_after(scan: Scan, slot: str, end: int) -> None:
    """'64% on 75 emails': the count a success rate was measured on is the test cases."""
    m = p.ON_CASES.match(scan.text, end)
    if slot == "success_rate" and m:
        value = parse_number(m.group("n"))
        if value is not None:
            scan.put("test_cases", as_count(value), m.span("n"), m.span("n"))


def _rate_slot(
    scan: Scan, start: int, end: int, value: float, *, loose: bool = False, strict: bool = False
) -> tuple[str, float] | None:
    """Which rate a percentage or fraction states, from the words around it."""
    before, after = p.clause_before(scan.text, start), p.clause_after(scan.text, end)
    if p.TARGET_BEFORE.search(before) or p.TARGET_AFTER.match(after):
        return "target_success_rate", value
    if p.SUCCESS_AFTER.match(after) or p.ON_CASES.match(after):
        return "success_rate", value
    if p.LATER_BEFORE.search(before) and p.A_RATE.search(before):
        return "success_rate", value  # "from 60% to 72%": the figure it got to
    if scan.earlier and p.LATER_AFTER.match(after):
        return "success_rate", value  # "was 0.64 two weeks ago, 0.71 now"
    if p.SYSTEMATIC.search(before) or p.SYSTEMATIC.search(after):
        return "systematic_failure_share", value
    if p.OF_FAILURES.match(after):
        return None  # "30% of the errors": a share of the failures, not of all cases
    if p.FAIL_AFTER.match(after) and p.BECAUSE.search(after):
        return "systematic_failure_share", value  # "15% fail because of X": one cause's share
    if p.FAIL_AFTER.match(after) or p.FAIL_BEFORE.search(before):
        return "success_rate", round(1 - value, 6)
    if describes_cause(scan):
        # "mostly our jargon, about 20% of cases": the share failing for that one cause.
        return "systematic_failure_share", value
    cue = p.STRICT_SUCCESS_BEFORE if strict else p.SUCCESS_BEFORE
    if cue.search(before) or (loose and scan.pending not in RATE_SLOTS):
        return "success_rate", value
    if scan.pending in RATE_SLOTS:
        return scan.pending, value
    return None
