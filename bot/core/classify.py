"""Failure cause and task by meaning: nearest labelled examples, clause by clause.

Keyword rules (vocab.py) catch the clearly-named cases; this reads the described ones
("it keeps using the wrong vendor jargon", "our agent that plans multi-step refunds").
Each clause of a message is compared with the bundled examples (bot/core/data/
causes.jsonl, tasks.jsonl), which include a `none` label for text about something
else. A label counts only above a confidence and a similarity threshold (tuned on
the dev split); below, the guess is kept as the likely choice to offer first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bot.core.nearest import NearestExamples, default_encoder, parse_examples

NONE = "none"
# (share of the neighbours' weight, cosine similarity of the nearest example)
THRESHOLDS = {"failure_cause": (0.8, 0.5), "task": (0.8, 0.6)}
# Clauses about the prompt work itself ("went through 9 drafts") say nothing of the task.
_NOT_ABOUT_TASK = re.compile(r"\b(?:prompts?|versions?|drafts?|iterations?|tries)\b", re.I)
ASKED_EASING = 0.1
_FILES = {"failure_cause": "causes.jsonl", "task": "tasks.jsonl"}
_CLAUSE = re.compile(r"[^.;,!?\n()]+(?:\s+(?:and|but|so)\s+[^.;,!?\n()]+)*")
_SPLIT = re.compile(r"\s+(?:and|but|so|because|when|while)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """A label for a slot, how sure, and the words it came from."""

    label: str
    confidence: float
    similarity: float
    span: tuple[int, int]


@lru_cache(maxsize=2)
def _classifier(slot: str) -> NearestExamples:
    data = resources.files("bot.core").joinpath("data", _FILES[slot])
    examples = list(parse_examples(data.read_text(encoding="utf-8").splitlines()))
    return NearestExamples(examples, default_encoder(), k=5)


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a message (and the whole message when it is one clause)."""
    spans = []
    for m in _CLAUSE.finditer(text):
        start = m.start()
        for part in [*_SPLIT.finditer(m.group(0)), None]:
            end = m.start() + part.start() if part else m.end()
            if text[start:end].strip() and re.search(r"[a-z]{3}", text[start:end], re.I):
                spans.append(_trim(text, start, end))
            if part:
                start = m.start() + part.end()
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def best_reading(slot: str, text: str, skip: Sequence[tuple[int, int]] = ()) -> Reading | None:
    """The most confident non-`none` reading of any clause, or None.

    Clauses overlapping a `skip` span (a stated success rate) are about something else.
    """
    classifier = _classifier(slot)
    best: Reading | None = None
    for span in clauses(text):
        clause = text[span[0] : span[1]]
        if any(s < span[1] and span[0] < e for s, e in skip):
            continue
        if slot == "task" and (len(clause.split()) < 3 or _NOT_ABOUT_TASK.search(clause)):
            continue
        guess = classifier.classify(clause)
        if guess.label == NONE:
            continue
        reading = Reading(guess.label, guess.confidence, guess.similarity, span)
        if best is None or (reading.confidence, reading.similarity) > (
            best.confidence,
            best.similarity,
        ):
            best = reading
    return best


def is_sure(slot: str, reading: Reading, asked: bool = False) -> bool:
    """Whether a reading is confident enough to fill the slot.

    A reply to the question for this very slot is about it, so it needs less likeness.
    """
    confidence, similarity = THRESHOLDS[slot]
    if asked:
        similarity -= ASKED_EASING
    return reading.confidence >= confidence and reading.similarity >= similarity
