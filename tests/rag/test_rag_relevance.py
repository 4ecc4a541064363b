"""The relevance test: topic words, coverage, and a lexical or vector score."""

from __future__ import annotations

import pytest

from bot.rag.lexicon import Lexicon
from bot.rag.relevance import Evidence, is_relevant
from bot.rag.text import terms


def evidence(words: int, known: int, domain: int, bm25: float, sim: float) -> Evidence:
    return Evidence(words, known, domain, bm25, sim)


@pytest.mark.parametrize(
    ("case", "relevant"),
    [
        (evidence(2, 2, 1, 6.0, 0.3), True),
        (evidence(1, 1, 1, 0.5, 0.7), True),  # "whats ft": low BM25, close vector
        (evidence(4, 4, 0, 9.0, 0.4), False),  # "how many vacation days per year": no topic word
        (evidence(4, 1, 1, 5.0, 0.3), False),  # "mandatory security training due": mostly unknown
        (evidence(3, 3, 1, 2.0, 0.3), False),  # weak on both scores
        (evidence(0, 0, 0, 0.0, 0.0), False),  # nothing to go on
    ],
    ids=["clear", "short-abbreviation", "no-topic-word", "low-coverage", "weak-scores", "empty"],
)
def test_relevance_rules(case: Evidence, relevant: bool) -> None:
    assert is_relevant(case) is relevant


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    texts = ["Fine-tuning costs $500 per run.", "Our GPU budget is $1,200 a month."]
    headings = ["Costs > What a run costs", "Team notes > Our GPU budget"]
    return Lexicon(texts, headings, {t for text in texts + headings for t in terms(text)})


@pytest.mark.parametrize(
    ("question", "counts"),
    [
        ("how much does ft cost", (2, 2, 1)),  # ft is shorthand for a topic; cost is generic
        ("whats our gpu budgte", (2, 2, 2)),  # heading words are topic words, typo fixed
        ("wifi password please", (2, 0, 0)),
    ],
)
def test_the_lexicon_counts_known_and_topic_words(
    lexicon: Lexicon, question: str, counts: tuple[int, int, int]
) -> None:
    reading = lexicon.read(question)
    assert (reading.content_words, reading.known_words, reading.domain_words) == counts
