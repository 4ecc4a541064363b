"""No section question or routing example is a near-copy of an eval message (dev or test).

Section questions are searched like a user's message, so a section question that
words an eval question almost the same way would score that question, not the
retrieval: the eval would measure what we wrote, not how Advisor reads people.
The check is mechanical, on stemmed content words: a section question is a
near-copy when it shares four content words in a row with an eval question, or
when the two (each with at least MIN_WORDS content words) share at least NEAR_COPY
of their content words (Jaccard). Shorter runs are the topic's own collocations
("pe vs rag vs ft"), which any two questions on it share. A failure
names the section question only, never the eval question (test items are shown
to no one).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from test_knowledge_base import KNOWLEDGE, read_doc

from bot.rag.text import STOPWORDS, term, words

ROOT = Path(__file__).resolve().parents[2]
EVAL_FILES = sorted((ROOT / "bot" / "rag" / "eval").glob("*.jsonl"))
ROUTING_EVAL_FILES = sorted((ROOT / "bot" / "core" / "eval").glob("routing-*.jsonl"))
ROUTING_EXAMPLES = ROOT / "bot" / "core" / "data" / "intents.jsonl"
NEAR_COPY = 0.7
MIN_WORDS = 3
RUN = 4


def content(text: str) -> list[str]:
    """Stemmed content words, in order ("labelled rows" and "labeled row" meet)."""
    return [term(w.replace("-", "")) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def runs(terms: list[str]) -> set[tuple[str, ...]]:
    return {tuple(terms[i : i + RUN]) for i in range(len(terms) - RUN + 1)}


def section_questions() -> Iterator[tuple[str, str]]:
    """(file name, question) for every section question of the knowledge base."""
    for path in sorted(KNOWLEDGE.glob("*.md")):
        meta, _ = read_doc(path)
        for items in (meta.get("questions") or {}).values():
            for item in items:
                yield path.name, item["q"] if isinstance(item, dict) else item


def eval_questions() -> list[str]:
    return [json.loads(line)["q"] for path in EVAL_FILES for line in path.read_text().splitlines()]


def routing_messages() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in ROUTING_EVAL_FILES
        for line in path.read_text().splitlines()
        if line.strip()
    ]


def routing_examples() -> list[tuple[str, str]]:
    """(file name, text) of the examples the router learns from."""
    lines = ROUTING_EXAMPLES.read_text().splitlines()
    return [(ROUTING_EXAMPLES.name, json.loads(line)["text"]) for line in lines if line[:1] == "{"]


def near_copies(candidates: list[tuple[str, str]], asked: list[str]) -> list[str]:
    """The candidates that near-copy one of the asked questions."""
    asked_sets = [s for s in (set(content(q)) for q in asked) if len(s) >= MIN_WORDS]
    asked_runs = set().union(*(runs(content(q)) for q in asked))
    found = []
    for name, question in candidates:
        terms = content(question)
        own = set(terms)
        shared = max(
            (len(own & other) / len(own | other) for other in asked_sets),
            default=0.0,
        )
        if runs(terms) & asked_runs or (len(own) >= MIN_WORDS and shared >= NEAR_COPY):
            found.append(f"{name}: {question!r}")
    return found


def test_the_check_finds_a_reworded_copy_and_lets_a_different_question_pass() -> None:
    asked = ["whats the monthly bill for running a tuned model?"]
    candidates = [
        ("a.md", "what is the monthly bill for running tuned models"),  # same words
        ("b.md", "running a tuned model: monthly bill?"),  # same words, other order
        ("c.md", "how much do we pay each month once the custom model is live"),
    ]

    assert near_copies(candidates, asked) == [
        "a.md: 'what is the monthly bill for running tuned models'",
        "b.md: 'running a tuned model: monthly bill?'",
    ]


def test_no_section_question_near_copies_an_eval_question() -> None:
    assert EVAL_FILES, "no eval files found"
    found = near_copies(list(section_questions()), eval_questions())

    assert not found, "reword these section questions (they near-copy an eval question):\n" + (
        "\n".join(found)
    )


def test_no_routing_example_near_copies_an_eval_message() -> None:
    """The router is fitted on its examples and scored on the routing eval (whose messages
    include the answer eval's): an example worded like an eval message would be scored on
    itself."""
    assert ROUTING_EVAL_FILES, "no routing eval files found"
    found = near_copies(routing_examples(), routing_messages() + eval_questions())

    assert not found, "reword these routing examples (they near-copy an eval message):\n" + (
        "\n".join(found)
    )
