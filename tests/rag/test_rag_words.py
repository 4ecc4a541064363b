"""Words, stems, shorthand and typos: questions meet the knowledge base's own terms."""

from __future__ import annotations

import pytest

from bot.rag.bm25 import BM25
from bot.rag.query import closest_word, edit_distance, expand_shorthand, normalize
from bot.rag.text import terms


@pytest.mark.parametrize(
    "variants",
    [
        ["fine-tuning", "fine-tuned", "fine-tune", "fine-tunes"],
        ["prompt", "prompts", "prompting", "prompted"],
        ["example", "examples"],
        ["category", "categories"],
        ["failure", "fails", "failed"],
        ["docs", "documents", "documentation"],
    ],
    ids=["fine-tuning", "prompt", "example", "category", "failure", "document"],
)
def test_word_forms_meet_at_one_term(variants: list[str]) -> None:
    assert len({terms(v)[0] for v in variants}) == 1


def test_stopwords_and_punctuation_carry_no_terms() -> None:
    assert terms("What is the... ?!") == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how much does ft cost", "fine-tuning"),
        ("finetunning vs rag?", "fine-tuning"),
        ("fine tuning or custom training", "fine-tuning"),
        ("pe tips", "prompt engineering"),
        ("doc lookup for our bot", "retrieval-augmented generation"),
        ("whats lora", "LoRA low-rank adaptation"),
        ("gpt4o prices", "GPT-4o"),
        ("is 200 exs enough", "examples"),
    ],
)
def test_slack_shorthand_becomes_the_knowledge_bases_terms(question: str, expected: str) -> None:
    assert expected in expand_shorthand(question)


def test_a_question_about_an_abbreviation_keeps_it() -> None:
    assert expand_shorthand("whats ft").split()[0] == "ft"
    assert not expand_shorthand("is ft worth it").startswith("ft")


TARGETS = frozenset({"prompt", "examples", "retrieval", "inference", "stuck"})


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("promt", "prompt"),
        ("exmaples", "examples"),
        ("retreival", "retrieval"),
        ("inferance", "inference"),
    ],
)
def test_typos_are_corrected_to_a_close_domain_word(typo: str, fixed: str) -> None:
    assert closest_word(typo, TARGETS) == fixed


@pytest.mark.parametrize("word", ["pizza", "the", "ok", "examples", "expense", "database"])
def test_unrelated_words_and_word_forms_are_not_corrected(word: str) -> None:
    assert closest_word(word, TARGETS | {"expensive", "dataset"}) is None


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("promt", "prompt", 1),
        ("exmaples", "examples", 1),
        ("database", "dataset", 3),
        ("", "ab", 2),
    ],
)
def test_edit_distance_counts_a_swap_of_neighbours_as_one_edit(a: str, b: str, edits: int) -> None:
    assert edit_distance(a, b) == edits


def test_words_the_index_knows_are_never_corrected() -> None:
    query = normalize("stock price", targets={"stuck"}, known={"stock"})
    assert query.text == "stock price cost " and query.corrections == {}


def test_bm25_ranks_the_document_with_the_rarer_matching_term_first() -> None:
    index = BM25([terms("prompt cost"), terms("prompt lora"), terms("prompt cost budget")])
    ranked = [i for i, _ in index.top(terms("lora prompt"), k=3)]
    assert ranked[0] == 1
    assert index.scores(terms("wifi password")) == {}
