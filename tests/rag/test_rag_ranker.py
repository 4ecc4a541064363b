"""The learned sentence ranker: fitted weights, the shipped file, and how answers use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.rag.chunking import Chunk
from bot.rag.embeddings import DEFAULT_MODELS, embedding_id
from bot.rag.extractive import select
from bot.rag.ranker import FEATURES, RANKER_FILE, SentenceRanker, fit, load_ranker
from bot.rag.retrieval import Hit
from bot.rag.units import sentences

MINILM = embedding_id("minilm", None)


def only_similarity(embedding: str = MINILM) -> SentenceRanker:
    """A ranker that reads nothing but each sentence's similarity to the question."""
    weights = tuple(4.0 if f == "similarity" else 0.0 for f in FEATURES)
    n = len(FEATURES)
    return SentenceRanker(embedding, (0.0,) * n, (1.0,) * n, weights, -1.0)


def features(similarity: float) -> tuple[float, ...]:
    """A candidate's features: this similarity, everything else the same."""
    usual = {"words": 0.5, "prior": 1.0, "chunk_similarity": 0.4, "length": 0.5}
    usual |= {"similarity_rank": 0.5, "token_match": 0.6, "token_match_rank": 0.5}
    return tuple(similarity if f == "similarity" else usual.get(f, 0.0) for f in FEATURES)


def test_fit_learns_which_feature_tells_the_answers_apart() -> None:
    rows, labels = [], []
    for i in range(40):
        answers = i % 2 == 0
        similarity = 0.7 + (i % 5) / 50 if answers else 0.3 + (i % 5) / 50
        rows.append(features(similarity))
        labels.append(answers)
    ranker = fit(rows, labels, MINILM)
    near = ranker.probability(features(0.75))
    far = ranker.probability(features(0.35))
    assert near > 0.9 > 0.1 > far
    assert ranker.weights[FEATURES.index("similarity")] > 0


def test_fit_refuses_one_label_only() -> None:
    with pytest.raises(ValueError, match="both labels"):
        fit([(0.5,) * len(FEATURES)] * 3, [True] * 3, MINILM)


def test_the_shipped_ranker_is_fitted_for_the_default_embedding_and_these_features() -> None:
    ranker = load_ranker(embedding_id("minilm", DEFAULT_MODELS["minilm"]))
    assert ranker is not None, f"refit {RANKER_FILE}: python -m bot.rag.train_ranker"
    assert "dev split" in ranker.trained_on
    # meaning counts for the answer: a sentence nearer the question ranks higher
    assert ranker.weights[FEATURES.index("similarity")] > 0


def test_a_ranker_is_used_only_with_the_embedding_it_was_fitted_for(tmp_path: Path) -> None:
    path = tmp_path / "ranker.json"
    path.write_text(only_similarity().to_json(), encoding="utf-8")
    assert load_ranker(MINILM, path) == only_similarity()
    assert load_ranker(embedding_id("wordllama", None), path) is None


def test_a_ranker_file_for_other_features_or_unreadable_is_not_used(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(only_similarity().to_json().replace('"length"', '"colour"'), "utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert load_ranker(MINILM, other) is None
    assert load_ranker(MINILM, broken) is None
    assert load_ranker(MINILM, tmp_path / "missing.json") is None


BODY = (
    "Budget reviews happen every quarter with the finance team and the budget owners. "
    "Each pilot project gets eight weeks before anyone judges it. "
    "The office plants are watered on Mondays by whoever arrives first in the morning. "
    "Parking passes for visitors are handed out at the front desk before nine o'clock. "
    "The kitchen is cleaned on Fridays after the weekly all-hands meeting has ended."
)


def hit(said: tuple[tuple[int, float], ...]) -> Hit:
    text = f"Planning > Reviews\n\n{BODY}"
    chunk = Chunk("plan#0", text, "plan.md", "Plan", "reviews", "Reviews", "Planning > Reviews", 0)
    return Hit(chunk, 1.0, 5.0, 0.5, said=said, own_similarity=0.4, floor=0.1)


def test_with_a_ranker_the_sentence_nearest_in_meaning_leads() -> None:
    """Words favour the first sentence ("budget" twice); meaning favours the second."""
    weights = {"budget": 1.0, "review": 1.0, "pilot": 1.0}
    idf = dict.fromkeys(weights, 2.0)
    assert len(sentences(BODY)) == 5
    near_second = hit(said=((0, 0.2), (1, 0.8), (2, 0.1), (3, 0.1), (4, 0.1)))
    by_words = select(weights, "budget review for a pilot", [near_second], idf)
    by_meaning = select(
        weights, "budget review for a pilot", [near_second], idf, ranker=only_similarity()
    )
    assert by_words[0].position == 0
    assert by_meaning[0].position == 1


def test_a_sentence_the_search_did_not_return_counts_as_the_farthest_seen() -> None:
    weights = {"budget": 1.0, "pilot": 1.0}
    idf = dict.fromkeys(weights, 2.0)
    only_first_seen = hit(said=((0, 0.5),))  # the second sentence sits below floor 0.1
    chosen = select(weights, "budget pilot", [only_first_seen], idf, ranker=only_similarity())
    assert chosen[0].position == 0
