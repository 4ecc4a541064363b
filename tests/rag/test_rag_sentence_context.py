"""A sentence is found by its section's subject, even when the sentence never names it.

Handbooks and guides leave the subject to the heading: the same "Open from 7am to
9pm on weekdays" can sit under "Bicycle storage" and under "Mail room". The index
embeds each sentence together with its heading path, so a question about bikes finds
the bike room's hours, and a question about post finds the mail room's.
"""

from __future__ import annotations

import pytest
from rag_support import rag_settings

from bot.rag.index_ids import is_sentence, parent_id
from bot.rag.knowledge import KnowledgeBase

HANDBOOK = """# Office handbook

## Bicycle storage

Open from 7am to 9pm on weekdays and closed at weekends.

## Mail room

Open from 7am to 9pm on weekdays and closed at weekends.
"""


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("handbook")
    (root / "knowledge").mkdir()
    (root / "knowledge" / "handbook.md").write_text(HANDBOOK, encoding="utf-8")
    settings = rag_settings(root / "knowledge", root / "data", embedding_backend="minilm")
    knowledge = KnowledgeBase(settings, background=False)
    knowledge.load()
    return knowledge


def nearest_sentence_section(knowledge: KnowledgeBase, question: str) -> str:
    """The section of the sentence entry nearest the question."""
    chunks = {c.id: c for c in knowledge.load().chunks}
    for entry, _ in knowledge.index.search(question, 20):
        if is_sentence(entry):
            return chunks[parent_id(entry)[0]].section
    raise AssertionError("no sentence entry was returned")


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("until what time can i lock up my bike inside", "bicycle-storage"),
        ("when can i pick up a package that was delivered for me", "mail-room"),
    ],
)
def test_the_nearest_sentence_is_the_one_under_the_subject_asked_about(
    handbook: KnowledgeBase, question: str, section: str
) -> None:
    assert nearest_sentence_section(handbook, question) == section
