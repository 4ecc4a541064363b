"""Answers over the fixture documents: shorthand, typos, exact figures, citations, abstention."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rag_support import rag_settings

from bot.rag.citations import citation_lines, to_citation
from bot.rag.extractive import ANSWER_CHARS
from bot.rag.knowledge import ABSTAIN_TEXT, KnowledgeBase


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("whats lora", "faq-lora"),
        ("how much does ft cost", "ft-cost"),
        ("finetunning cost?", "ft-cost"),
        ("is 200 exs enough to ft", "ft-data"),
        ("doc lookup or custom training for our faq bot?", "rag-first"),
        ("rag or fine tuning?", "rag-first"),
        ("when do i stop tweaking promts", "faq-stop"),
        ("whats pe", "glossary"),
        ("gpu budget for experiments", "our-gpu-budget"),
        ("who reviews prompt changes", "prompt-review-checklist"),
    ],
)
def test_shorthand_and_typo_questions_find_their_section(
    fixture_kb: KnowledgeBase, question: str, section: str
) -> None:
    answer = fixture_kb.answer(question)
    assert not answer.abstained
    assert answer.sources[0].section == section


@pytest.mark.parametrize(
    "question",
    [
        "whats the wifi password",
        "any good lasagna recipe?",
        "git rebase vs merge, which one should i use",
        "how do I train my dog",
        "how much does a pizza cost",
        "hello",
    ],
)
def test_off_topic_questions_abstain_without_sources(
    fixture_kb: KnowledgeBase, question: str
) -> None:
    answer = fixture_kb.answer(question)
    assert answer.abstained
    assert answer.sources == []
    assert answer.answer == ABSTAIN_TEXT
    assert "doesn't cover" in answer.answer and "help me decide" in answer.answer


def test_an_empty_question_gets_a_hint_not_an_answer(fixture_kb: KnowledgeBase) -> None:
    answer = fixture_kb.answer("   ")
    assert answer.abstained and "Ask me a question" in answer.answer


def test_figures_come_through_exactly_with_a_numbered_citation(fixture_kb: KnowledgeBase) -> None:
    answer = fixture_kb.answer("how much does ft cost")
    assert answer.mode == "extractive"
    assert "$500-$5000+" in answer.answer
    assert "2-3x" in answer.answer
    assert answer.answer.endswith("[1]")
    assert answer.sources[0].path == "fine-tuning.md"
    assert answer.sources[0].title == "Fine-tuning basics"


def test_table_rows_are_quoted_as_whole_readable_lines(fixture_kb: KnowledgeBase) -> None:
    answer = fixture_kb.answer("fine tuning time to result vs prompting")
    assert "Time to result (Prompting: 2 hours; Fine-tuning: 7 days)." in answer.answer


def test_every_citation_marker_has_a_source(fixture_kb: KnowledgeBase) -> None:
    answer = fixture_kb.answer("is 200 exs enough to ft")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == set(range(1, len(answer.sources) + 1))
    assert citation_lines(answer)[0] == "[1] How much data you need (fine-tuning.md)"


@pytest.mark.parametrize(
    "question",
    [
        "how much does ft cost",
        "what does fine tuning cost and how long does it take and how much data do i need",
        "prompt " * 400,
        "fine-tuning " + "x" * 40_000,
    ],
    ids=["short", "broad", "repeated-word", "40kb"],
)
def test_answers_stay_short(fixture_kb: KnowledgeBase, question: str) -> None:
    assert len(fixture_kb.answer(question).answer) <= ANSWER_CHARS


def test_sources_carry_the_chunk_and_convert_to_engine_citations(
    fixture_kb: KnowledgeBase,
) -> None:
    source = fixture_kb.answer("whats lora").sources[0]
    assert source.text.startswith("Questions people ask > FAQ: what LoRA is\n\n")
    assert len(source.id) == 32 and source.score > 0
    citation = to_citation(source)
    assert (citation.section, citation.title, citation.path) == (
        "faq-lora",
        "FAQ: what LoRA is",
        "faq.md",
    )


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=0, max_size=300))
def test_any_text_gets_an_answer_or_an_abstention(fixture_kb: KnowledgeBase, text: str) -> None:
    answer = fixture_kb.answer(text)
    assert len(answer.answer) <= ANSWER_CHARS
    assert answer.abstained == (answer.sources == [])


def test_an_empty_knowledge_folder_abstains_on_everything(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    knowledge = KnowledgeBase(rag_settings(tmp_path / "empty", tmp_path / "data"))
    assert knowledge.answer("whats lora").abstained
