"""What a discussion already settled: slot values read from earlier messages, and who said each.

Channel-agnostic and pure. A channel hands over (author, text) pairs, oldest first; the
dialogue's own deterministic slot reader (`extract`) reads each message, and a later
statement overwrites an earlier one, so the newest word on a slot wins. Hypotheticals
("what if we had 1,000 examples") are not facts and are passed over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core import slots as sl
from bot.core.extract import extract
from bot.core.meaning import is_question
from bot.core.messages import Reply, ReplyKind, ThreadContext
from bot.core.state import DialogueState, Phase, Tools
from bot.engine.wording import count

# "what if", "suppose", "imagine", "if we had": a plan or a wish, not the team's numbers.
_HYPOTHETICAL = re.compile(
    r"^(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:what|how)\s+(?:if|about)\b|^(?:and\s+)?if\s+we\b"
    r"|^suppose\b|^assum(?:e|ing)\b|^imagine\b|^hypothetically\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n")
_CLAUSE_END = re.compile(r"[,;:](?=\s)|\s(?:but|or|and)\s")
# Not knowing is no answer to carry over: the question is asked, and "Don't know" is one click.
_NOT_FACTS = {("failure_cause", "unknown")}
# How a count reads in a sentence: "5 prompt versions", "1,200 labeled examples".
_COUNT_NOUNS = {
    "test_cases": "test cases",
    "prompt_iterations": "prompt versions",
    "labeled_examples": "labeled examples",
    "categories": "categories",
}
# What the dialogue still wants to know, in words ("Still missing: why the failures happen").
WANTED = {
    "task": "what the feature does",
    "success_rate": "how often the best prompt gets it right",
    "test_cases": "how many test cases that rate is measured on",
    "prompt_iterations": "how many prompt versions were tried",
    "target_success_rate": "what success rate would be good enough",
    "failure_cause": "why the failures happen",
    "systematic_failure_share": "what share of cases fail the same way",
    "labeled_examples": "how many labeled examples there are",
    "categories": "how many categories it chooses between",
    "language": "what language the content is in",
}


@dataclass(frozen=True)
class Fact:
    """One slot value a discussion stated: who said it, in which message, in which words."""

    slot: str
    value: Any
    author: str
    message: int  # index in the messages read, oldest first
    words: str


def statements(text: str) -> str:
    """`text` with its questions and hypotheticals blanked out (same length: spans still fit).

    "We tried 5 versions, should we fine-tune?" keeps "We tried 5 versions"; "Do we need
    500 examples?" and "What if we had 5,000?" state nothing about the team's case.
    """
    kept = list(text)
    for start, end in _pieces(text, _SENTENCE_END, 0, len(text)):
        sentence = text[start:end].strip()
        if _HYPOTHETICAL.match(sentence):
            kept[start:end] = " " * (end - start)
        elif sentence.endswith("?"):
            clauses = list(_pieces(text, _CLAUSE_END, start, end))
            for index, (c_start, c_end) in enumerate(clauses):
                if index == len(clauses) - 1 or is_question(text[c_start:c_end].strip()):
                    kept[c_start:c_end] = " " * (c_end - c_start)
    return "".join(kept)


def _pieces(
    text: str, boundary: re.Pattern[str], start: int, end: int
) -> Iterator[tuple[int, int]]:
    """Spans of `text[start:end]` cut after each match of `boundary`."""
    for match in boundary.finditer(text, start, end):
        yield start, match.end()
        start = match.end()
    if start < end:
        yield start, end


def read_facts(messages: Sequence[tuple[str, str]]) -> dict[str, Fact]:
    """Slot values stated in `messages` ((author, text), oldest first); the newest wins.

    Values the engine would reject (a 140% success rate) are not facts, nor is
    "we don't know why it fails".
    """
    facts: dict[str, Fact] = {}
    per_category: Fact | None = None  # "500 per class", until the classes are known
    for index, (author, text) in enumerate(messages):
        found = extract(statements(text))
        for slot, value in found.slots.items():
            if (slot, value) in _NOT_FACTS:
                continue
            if sl.check(slot, value) is None:
                facts[slot] = Fact(slot, value, author, index, found.evidence(slot))
        if "labeled_examples" in found.slots:
            per_category = None
        elif found.examples_per_category is not None:
            words = text.strip()
            per_category = Fact("", found.examples_per_category, author, index, words)
    categories = facts.get("categories")
    if per_category is not None and categories is not None:
        total = int(per_category.value) * int(categories.value)
        facts["labeled_examples"] = Fact(
            "labeled_examples", total, per_category.author, per_category.message, per_category.words
        )
    return facts


def describe(facts: dict[str, Fact]) -> str:
    """'success rate 62% on 50 test cases (<@U1>), 5 prompt versions (<@U1>), …'."""
    parts = []
    for slot in sl.LABELS:
        fact = facts.get(slot)
        if fact is None:
            continue
        tests = facts.get("test_cases")
        if slot == "test_cases" and "success_rate" in facts:
            rate = facts["success_rate"]
            if rate.author == fact.author:
                continue  # said together with the success rate
        text = _phrase(slot, fact.value)
        if slot == "success_rate" and tests is not None and tests.author == fact.author:
            text += f" on {count(int(tests.value))} test cases"
        parts.append(f"{text} ({fact.author})")
    return ", ".join(parts)


def _phrase(slot: str, value: Any) -> str:
    if slot in _COUNT_NOUNS:
        return f"{count(int(value))} {_COUNT_NOUNS[slot]}"
    return f"{sl.LABELS[slot]} {sl.show(slot, value)}"


def still_missing(state: DialogueState, tools: Tools) -> list[str]:
    """The slots the engine would still ask about, most valuable first."""
    rec = tools.decide(state.decision_input())
    return [m.slot for m in rec.missing if m.slot in WANTED and m.slot not in state.slots]


def take_thread(state: DialogueState, thread: ThreadContext, tools: Tools) -> list[Reply]:
    """Start a conversation with what its thread already settled, and say so (with who).

    Only a new conversation takes the thread's facts: one under way already has its own.
    Nothing found means nothing to say; a thread that could not be read gets its note.
    """
    if state.phase is not Phase.idle or state.slots:
        return []
    if thread.unreadable:
        return [Reply(kind=ReplyKind.info, text=thread.unreadable)]
    facts = read_facts([(m.author, m.text) for m in thread.messages])
    if not facts:
        return []
    for fact in facts.values():
        state.slots[fact.slot] = fact.value
    state.phase = Phase.collecting
    missing = still_missing(state, tools)
    text = f"From this thread: {describe(facts)}."
    if missing:
        wanted = ", ".join(WANTED[slot] for slot in missing)
        text += f" Still missing: {wanted}."
    else:
        text += " That's enough for a recommendation."
    read = len(thread.messages)
    if thread.cut_short:
        text += (
            f"\n\n_Slack stopped me part way through this thread, so I read {read} of its "
            "messages, not the latest ones._"
        )
    elif thread.partial:
        text += f"\n\n_This thread is long, so I read only its {read} most recent messages._"
    text += "\n\n_Anything wrong? Just say the right value here._"
    return [Reply(kind=ReplyKind.summary, text=text, slots=state.decision_input())]
