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
        ("why is the run $500 here", (2, 2, 2)),  # "run", and a figure the guide states
        ("is $30 a lot", (2, 0, 0)),  # a figure the guide does not state is not topical
    ],
)
def test_the_lexicon_counts_known_and_topic_words(
    lexicon: Lexicon, question: str, counts: tuple[int, int, int]
) -> None:
    reading = lexicon.read(question)
    assert (reading.content_words, reading.known_words, reading.domain_words) == counts


def unknowns(known: int, specific: int, closeness: float, share: float = 0.0) -> Evidence:
    """Four content words, two of them topic words, good lexical scores; `share`: how much
    of the question's weight its best-matching section question holds."""
    return Evidence(
        4, known, 2, 6.0, closeness, closeness, top_question_share=share, specific_words=specific
    )


@pytest.mark.parametrize(
    ("case", "relevant"),
    [
        (unknowns(3, 0, 0.35), False),  # "token for the parking garage": everyday topic word
        (unknowns(3, 0, 0.5), True),  # one unknown word, but close in meaning to the guide
        (unknowns(2, 0, 0.6), False),  # two unknown words need to be very close
        (unknowns(2, 1, 0.35), True),  # "prompt" beside slang: the unknown words are noise
        (unknowns(4, 0, 0.35), True),  # every word known: the usual scores decide
        # "the formula for the cost of ownership": a section question holds all but "formula"
        (unknowns(3, 0, 0.35, share=0.8), True),
        (unknowns(3, 0, 0.35, share=0.5), False),  # half of it: the unknown word is the topic
    ],
    ids=[
        "one-unknown-far",
        "one-unknown-close",
        "two-unknown",
        "specific-word",
        "all-known",
        "question-holds-the-rest",
        "question-holds-half",
    ],
)
def test_words_the_guide_never_uses_need_a_specific_topic_word_or_closeness(
    case: Evidence, relevant: bool
) -> None:
    assert is_relevant(case) is relevant


@pytest.mark.parametrize(
    ("question", "specific"),
    [("how much does ft cost", 1), ("what model should i buy", 0), ("which ft model", 1)],
)
def test_the_lexicon_tells_specific_topic_words_from_everyday_ones(
    lexicon: Lexicon, question: str, specific: int
) -> None:
    assert lexicon.read(question).specific_words == specific


def test_one_close_sentence_lifts_the_floor_a_long_chunk_would_set() -> None:
    # topic words and a strong lexical match, but the whole chunk's vector is far off:
    # answered when one of its sentences is close in meaning, not otherwise
    far = Evidence(4, 4, 2, 9.0, 0.2, top_sentence_similarity=0.2)
    assert not is_relevant(far)
    assert is_relevant(Evidence(4, 4, 2, 9.0, 0.2, top_sentence_similarity=0.55))


def test_minilm_needs_a_nearer_chunk_than_wordllama_before_shared_words_count() -> None:
    """MiniLM puts unrelated text nearer: a chunk at 0.28 is far for it, not for WordLlama."""
    from bot.rag.relevance import calibration_for

    def seen(backend: str) -> Evidence:
        return Evidence(4, 4, 1, 6.0, 0.28, calibration=calibration_for(backend))

    assert is_relevant(seen("wordllama"))
    assert not is_relevant(seen("minilm"))


def test_without_topic_words_minilm_needs_a_section_question_at_its_own_bar() -> None:
    """A question with no topic word is covered only by a close section question; MiniLM's
    scale puts "close" lower than WordLlama's."""
    from bot.rag.relevance import calibration_for

    def asked(backend: str, similarity: float) -> Evidence:
        return Evidence(
            4,
            4,
            0,
            5.0,
            0.5,
            top_question_similarity=similarity,
            calibration=calibration_for(backend),
        )

    assert is_relevant(asked("minilm", 0.75)) and not is_relevant(asked("wordllama", 0.75))
    assert not is_relevant(asked("minilm", 0.6))
