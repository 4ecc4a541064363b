"""A count in a question ("is 200 examples enough?") is no sign of another subject.

Relevance abstains on questions whose words the guide never uses; a bare number is
not such a word, while a figure with a unit ("$30", "80%") is still read as a figure.
The questions are written for these tests (the first is the product brief's own).
"""

from __future__ import annotations

import pytest

from bot.rag.knowledge import KnowledgeBase
from bot.rag.lexicon import Lexicon
from bot.rag.text import terms


@pytest.mark.parametrize(
    "question",
    ["is 200 examples enough?", "we've got 350 labelled examples, is that enough?"],
)
def test_a_question_with_a_count_is_answered_with_the_dataset_minimum(
    shipped: KnowledgeBase, question: str
) -> None:
    answer = shipped.answer(question)

    assert not answer.abstained
    assert "100 examples" in answer.answer


@pytest.mark.parametrize(
    ("question", "counts"),
    [
        ("is 200 examples enough", (2, 2, 1)),  # "200" is neither known nor unknown
        ("5k runs in 2 weeks", (2, 2, 1)),  # counts with k or bare: not read as words
        ("is $30 a lot", (2, 0, 0)),  # a price stays a word: this one is not the guide's
    ],
)
def test_bare_counts_are_not_content_words(question: str, counts: tuple[int, int, int]) -> None:
    texts = ["Fine-tuning needs 100 examples per run.", "A run takes 2 weeks."]
    headings = ["Data > Examples", "Time > Weeks"]
    lexicon = Lexicon(texts, headings, {t for text in texts + headings for t in terms(text)})

    reading = lexicon.read(question)

    assert (reading.content_words, reading.known_words, reading.domain_words) == counts
