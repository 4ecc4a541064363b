"""Section questions (front matter) route to their section, and answers answer.

A small knowledge base of its own (fixtures/asked): sections that list the
questions they answer, and a team note without front matter. The questions
below are written for these tests, in other words than the front matter's.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rag_support import rag_settings

from bot.core.ports import Answer
from bot.rag.documents import DocumentError, parse_document
from bot.rag.knowledge import CLOSEST_MATCH, KnowledgeBase
from bot.rag.relevance import Evidence, is_weak_match

ASKED = Path(__file__).parent / "fixtures" / "asked"
_MARKER = re.compile(r"\s*\[(\d+)\]\s*")

COVERED = [
    ("eli5 why would we host the tuned model ourselves", "hosting"),
    ("hw do we know the tuned weights are any good", "validation"),
    ("any horror story about training too soon?", "pitfall"),
    ("how many prompt drafts do i write first", "drafts"),
    ("few shot examples in the prompt, how many?", "examples"),
    ("how does the team score prompt changes", "our-evaluation-habit"),
]


@pytest.fixture(scope="module")
def asked_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("asked-kb")
    shutil.copytree(ASKED, root / "knowledge")
    knowledge = KnowledgeBase(rag_settings(root / "knowledge", root / "data"))
    knowledge.load()
    return knowledge


def quoted(answer: Answer) -> list[tuple[str, int]]:
    """(quoted text, citation number) pairs of an extractive answer."""
    text = answer.answer.removeprefix(CLOSEST_MATCH).strip()
    parts = _MARKER.split(text)
    return [(parts[i].strip(), int(parts[i + 1])) for i in range(0, len(parts) - 1, 2)]


def test_front_matter_questions_belong_to_their_sections() -> None:
    doc = parse_document("serving.md", (ASKED / "serving.md").read_text(encoding="utf-8"))
    asked = {s.id: s.questions for s in doc.sections}
    assert asked["pitfall"] == (
        "got a cautionary tale about this",
        "did anyone regret going straight to custom training",
    )
    team = parse_document("team-notes.md", (ASKED / "team-notes.md").read_text(encoding="utf-8"))
    assert all(s.questions == () for s in team.sections)  # no front matter, no questions


def test_questions_that_are_not_lists_are_a_clear_error() -> None:
    text = "---\nquestions:\n  intro: what is it\n---\n## Intro\n\nText.\n"
    with pytest.raises(DocumentError, match=r"notes.md: `questions: intro` must be a list"):
        parse_document("notes.md", text)


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("what does it take to put the model on our own boxes", "hosting"),
        ("did anyone regret going straight to custom training", "pitfall"),
    ],
)
def test_a_front_matter_question_routes_to_its_parent_section(
    asked_kb: KnowledgeBase, question: str, section: str
) -> None:
    best = asked_kb.retrieve(question).hits[0]
    assert best.chunk.section == section and best.by_question


@pytest.mark.parametrize(("question", "section"), COVERED)
def test_a_covered_question_is_answered_from_its_section(
    asked_kb: KnowledgeBase, question: str, section: str
) -> None:
    answer = asked_kb.answer(question)
    assert not answer.abstained, answer.answer
    assert answer.sources[0].section == section


@pytest.mark.parametrize(("question", "section"), COVERED)
def test_every_quoted_sentence_comes_from_the_section_it_cites(
    asked_kb: KnowledgeBase, question: str, section: str
) -> None:
    answer = asked_kb.answer(question)
    pieces = quoted(answer)
    assert pieces and len(answer.answer) <= 600
    for text, number in pieces:
        assert text in " ".join(answer.sources[number - 1].text.split())
    assert len({s.section for s in answer.sources}) <= 2


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("what do we do once the job finishes", "Score the fine-tuned model on a hold-out set"),
        ("got a cautionary tale about this", "A support team spent $4000"),
    ],
)
def test_the_answer_leads_with_the_best_sections_main_sentence(
    asked_kb: KnowledgeBase, question: str, lead: str
) -> None:
    assert asked_kb.answer(question).answer.startswith(lead)


def test_an_index_of_the_previous_schema_is_rebuilt_with_its_questions(tmp_path: Path) -> None:
    shutil.copytree(ASKED, tmp_path / "knowledge")
    settings = rag_settings(tmp_path / "knowledge", tmp_path / "data")
    old = KnowledgeBase(settings)
    old.ingest()
    old.index.store._collection.modify(metadata={"schema": "advisor-chunks-2"})

    fresh = KnowledgeBase(settings)
    best = fresh.retrieve("did anyone regret going straight to custom training").hits[0]

    assert fresh.index.is_current()
    assert best.chunk.section == "pitfall" and best.chunk.questions


def test_a_weak_match_is_labelled_as_the_closest_match(asked_kb: KnowledgeBase) -> None:
    answer = asked_kb.answer("anyone regret training too soon")
    assert not answer.abstained
    assert answer.answer.startswith(CLOSEST_MATCH) and len(answer.sources) == 1


def test_one_shared_topic_word_is_not_a_closest_match(asked_kb: KnowledgeBase) -> None:
    assert asked_kb.answer("is the weather good for fine-tuning").abstained


@pytest.mark.parametrize(
    ("evidence", "weak"),
    [
        (Evidence(4, 3, 1, 1.0, 0.40, 0.55), True),  # close to a section question, low scores
        (Evidence(4, 3, 1, 1.0, 0.40), False),  # one shared topic word is not enough
        (Evidence(4, 2, 1, 1.0, 0.40, 0.55), False),  # two words the guide never uses
        (Evidence(4, 1, 1, 1.0, 0.40), False),  # mostly words the guide never uses
        (Evidence(4, 4, 2, 5.0, 0.60), False),  # a sure match is not weak
        (Evidence(4, 1, 0, 1.0, 0.40), False),  # no topic word: off topic, abstain
        (Evidence(4, 1, 1, 1.0, 0.20), False),  # nothing close in meaning: abstain
    ],
)
def test_weak_match_needs_a_topic_word_and_something_close(evidence: Evidence, weak: bool) -> None:
    assert is_weak_match(evidence) is weak
