"""Late interaction (bot.rag.interaction): which question words count, how sentences
score, what is kept, and how it feeds the sentence ranker."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest
from rag_support import count_model_runs

from bot.rag.chunking import Chunk
from bot.rag.extractive import MATCHED, candidates, select
from bot.rag.interaction import TokenMatcher, question_pieces
from bot.rag.knowledge import KnowledgeBase
from bot.rag.minilm import TokenVectors, load_minilm
from bot.rag.ranker import FEATURES, SentenceRanker
from bot.rag.retrieval import Hit


class WordModel:
    """A token model whose pieces are the words, each a fixed one-hot direction: a
    sentence holding every content word of the question scores 1."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.seen: list[str] = []

    def token_vectors(self, texts: Sequence[str]) -> list[TokenVectors]:
        self.seen.extend(texts)
        out = []
        for text in texts:
            words = tuple(text.lower().rstrip(".?").split())
            vectors = np.zeros((len(words), 64), np.float32)
            for row, word in enumerate(words):
                vectors[row, self.vocabulary.setdefault(word, len(self.vocabulary))] = 1.0
            out.append(TokenVectors(words, vectors))
        return out


def test_the_question_counts_by_its_content_words() -> None:
    tokens = ["how", "often", "is", "the", "budget", "review", "##ed", "?"]
    assert [tokens[i] for i in question_pieces(tokens)] == ["often", "budget", "review"]
    assert question_pieces(["how", "is", "it", "?"]) == [0, 1, 2, 3]  # nothing else: all


def test_a_sentence_scores_by_the_best_match_of_each_question_word() -> None:
    matcher = TokenMatcher(WordModel())
    scores = matcher.scores(
        "budget review timing",
        ["the budget review timing is fixed.", "the budget is large.", "nothing here."],
    )
    assert scores[0] == pytest.approx(1.0)
    assert scores[1] == pytest.approx(1 / 3)  # one of three words met
    assert scores[2] == pytest.approx(0.0)


def test_each_sentence_is_run_through_the_model_once_and_the_least_used_are_dropped() -> None:
    model = WordModel()
    matcher = TokenMatcher(model)
    matcher.REMEMBERED = 2

    def sentences_run() -> list[str]:
        return [t for t in model.seen if t != "budget"]  # the question runs every time

    matcher.scores("budget", ["one budget.", "two budgets."])
    matcher.scores("budget", ["one budget.", "two budgets."])
    assert sentences_run() == ["one budget.", "two budgets."]
    matcher.scores("budget", ["three budgets."])  # "one budget." is the least used: dropped
    matcher.scores("budget", ["two budgets.", "three budgets.", "one budget."])
    assert sentences_run() == ["one budget.", "two budgets.", "three budgets.", "one budget."]
    assert model.seen.count("budget") == 4


def test_reading_ahead_computes_what_questions_will_need_and_stops_when_asked() -> None:
    model = WordModel()
    matcher = TokenMatcher(model)
    matcher.WARM_BATCH = 2
    texts = [f"sentence number {i}." for i in range(5)]
    assert matcher.remember(texts) == 5
    assert matcher.remember(texts) == 0  # all known
    matcher.scores("number", texts)
    assert model.seen == [*texts, "number"]
    stop = threading.Event()
    stop.set()
    assert TokenMatcher(WordModel()).remember(texts, stop) == 0


def test_minilm_tells_which_sentence_answers_by_its_words_in_context() -> None:
    matcher = TokenMatcher(load_minilm())
    often, owner = matcher.scores(
        "how often is the budget reviewed",
        [
            "Budget reviews happen every quarter with the finance team.",
            "The budget is owned by the finance team and approved by the board.",
        ],
    )
    assert often > owner


def test_minilm_token_vectors_are_unit_vectors_for_each_word_piece() -> None:
    model = load_minilm()
    first, second = model.token_vectors(["Fine-tuning costs money.", "The river bank flooded."])
    assert first.tokens == ("fine", "-", "tuning", "costs", "money", ".")
    assert first.vectors.shape == (6, 384)
    assert np.allclose(np.linalg.norm(first.vectors, axis=1), 1.0, atol=1e-5)
    assert second.tokens[:3] == ("the", "river", "bank")
    # in context: "bank" by a river is not "bank" by money
    (money_bank,) = model.token_vectors(["The bank lent us money."])
    river = second.vectors[second.tokens.index("bank")]
    money = money_bank.vectors[money_bank.tokens.index("bank")]
    assert float(river @ money) < 0.95


# -- as ranker features ------------------------------------------------------------------

WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa")
BODY = " ".join(f"The sentence named {word} stands on its own here." for word in WORDS[:4])


def hit() -> Hit:
    chunk = Chunk(
        "doc#0", f"Doc > Part\n\n{BODY}", "doc.md", "Doc", "part", "Part", "Doc > Part", 0
    )
    # every sentence as near in meaning: only late interaction tells them apart
    said = tuple((i, 0.5) for i in range(4))
    return Hit(chunk, 1.0, 1.0, 0.5, said=said, own_similarity=0.4, floor=0.1)


class Picky:
    """Scores the sentence holding its favourite word highest."""

    def __init__(self, favourite: str) -> None:
        self.favourite = favourite
        self.asked: list[list[str]] = []

    def scores(self, question: str, sentences: Sequence[str]) -> list[float]:
        self.asked.append(list(sentences))
        return [0.9 if self.favourite in s else 0.3 for s in sentences]


def only(feature: str) -> SentenceRanker:
    n = len(FEATURES)
    weights = tuple(4.0 if f == feature else 0.0 for f in FEATURES)
    return SentenceRanker("test", (0.0,) * n, (1.0,) * n, weights, -1.0)


def test_the_sentence_late_interaction_prefers_leads_the_answer() -> None:
    weights = {"sentence": 1.0}
    idf = {"sentence": 1.0}
    chosen = select(
        weights, "which sentence", [hit()], idf, ranker=only("token_match"), matcher=Picky("gamma")
    )
    assert "gamma" in chosen[0].text


def test_only_the_nearest_sentences_are_matched_and_the_rest_count_as_the_lowest() -> None:
    assert len(WORDS) >= MATCHED + 2
    body = " ".join(f"The line named {word} says something else." for word in WORDS)
    chunk = Chunk(
        "doc#0", f"Doc > Part\n\n{body}", "doc.md", "Doc", "part", "Part", "Doc > Part", 0
    )
    said = tuple((i, 0.9 - i / 100) for i in range(len(WORDS)))  # nearest first
    picky = Picky("alpha")
    found = candidates(
        {"line": 1.0}, "which line", [Hit(chunk, 1.0, 1.0, 0.5, said=said)], {"line": 1.0}, picky
    )
    (asked,) = picky.asked
    assert len(asked) == MATCHED and "alpha" in asked[0]
    match = FEATURES.index("token_match")
    by_line = {s.sentence.position: s.features[match : match + 2] for s in found}
    assert by_line[0] == (0.9, 1.0)  # the best of those matched
    assert by_line[len(WORDS) - 1] == (0.3, 1 / (1 + MATCHED))  # beyond: lowest, ranked after


def test_the_guide_is_read_ahead_so_a_question_costs_one_model_run(
    shipped: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the sentences' word pieces were computed ahead; the question's come from the same
    # run that embeds it for the vector search
    assert shipped.settle(timeout=120)
    matcher = shipped._token_matcher()
    assert matcher is not None
    model = matcher._model
    ran = count_model_runs(monkeypatch, model)
    answer = shipped.answer("whats the price tag of one custom training run for our q3 plan")
    assert not answer.abstained
    assert ran == [1]
