"""Sentence splitting and answer composition (pure functions)."""

from __future__ import annotations

from bot.rag.extractive import Sentence, compose, sentences


def test_a_body_splits_into_sentences_list_items_and_table_rows() -> None:
    body = (
        "Properties of fine-tuning:\n\n"
        "- **Expensive**: every run costs $500-$5000+. It is also slow to iterate on.\n"
        "1. **Compare.** Go with whichever approach gives the best cost-to-quality ratio.\n\n"
        "| Factor | Prompting | Fine-tuning |\n|---|---|---|\n| Cost | $0 | $500+ |\n"
    )
    assert sentences(body) == [
        "Expensive: every run costs $500-$5000+.",
        "It is also slow to iterate on.",
        "Compare. Go with whichever approach gives the best cost-to-quality ratio.",
        "Cost (Prompting: $0; Fine-tuning: $500+).",
    ]


def test_numbers_with_decimals_stay_in_one_sentence() -> None:
    assert sentences("Base GPT-4o costs $2.50 per 1M input tokens and $10 per 1M output.") == [
        "Base GPT-4o costs $2.50 per 1M input tokens and $10 per 1M output."
    ]


def test_sentences_of_one_section_share_a_citation_number() -> None:
    chosen = [Sentence(0, 0, "A."), Sentence(1, 0, "B."), Sentence(2, 1, "C.")]
    text, cited = compose(chosen, keys=[("a.md", "x"), ("b.md", "y"), ("a.md", "x")])
    assert text == "A. [1] B. [2] C. [1]"
    assert cited == [0, 1]


def test_compose_drops_trailing_sentences_rather_than_cutting_one() -> None:
    chosen = [Sentence(0, 0, "a" * 50 + "."), Sentence(0, 1, "b" * 50 + ".")]
    text, _ = compose(chosen, keys=[("a.md", "x")], max_chars=80)
    assert text == "a" * 50 + ". [1]"


def test_compose_shortens_a_single_sentence_longer_than_the_budget() -> None:
    chosen = [Sentence(0, 0, " ".join(["word"] * 100))]
    text, _ = compose(chosen, keys=[("a.md", "x")], max_chars=60)
    assert len(text) <= 60 and text.endswith("… [1]")
