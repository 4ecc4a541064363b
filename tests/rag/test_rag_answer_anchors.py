"""A section question may name the sentence that answers it; the answer then leads with it.

A section states several facts; its first sentence is its main point. A question
about a later fact used to be answered with the first sentence, because the section
matched through its questions. Front matter items `{q: ..., a: snippet}` point at
the answering sentence. The knowledge base here is written for these tests; the
questions asked are worded differently from the front matter's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rag_support import rag_settings

from bot.rag.documents import DocumentError, parse_document
from bot.rag.knowledge import KnowledgeBase

# one paragraph per line, as the knowledge files have them
SERVING_BODY = " ".join(
    [
        "Serving a tuned model yourself moves the cost from tokens to machines.",
        "A 13B model needs **two A100 cards** to answer at interactive speed.",
        "Teams with steady traffic usually break even after about 14 months"
        " compared with paying per token.",
        "Idle machines still cost money at night and on weekends.",
        "A managed endpoint avoids that, at a higher price per token.",
        "Either way, someone has to watch latency and errors around the clock.",
    ]
)
DRAFTS_BODY = (
    "Write several short prompt drafts and compare them on the same test cases."
    " Keep the drafts in version control so every change can be traced."
)

SERVING = f"""---
title: "Serving a tuned model"
sections:
  serving-costs: "What serving costs"
questions:
  serving-costs:
    - "what does it cost to run our own tuned model"
    - q: "how many gpus does a 13b model need for serving"
      a: "two A100 cards"
    - q: "how long until a self-hosted setup pays for itself"
      a: "break even after about 14 months"
---
# Serving a tuned model

## What serving costs

{SERVING_BODY}
"""

OTHER = f"""---
title: "Prompt drafts"
sections:
  drafts: "Drafting prompts"
questions:
  drafts:
    - "how should we write the first prompts"
---
# Prompt drafts

## Drafting prompts

{DRAFTS_BODY}
"""

_MARKER = re.compile(r"\s*\[\d+\]\s*")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("anchors")
    (root / "knowledge").mkdir()
    (root / "knowledge" / "serving.md").write_text(SERVING, encoding="utf-8")
    (root / "knowledge" / "drafts.md").write_text(OTHER, encoding="utf-8")
    knowledge = KnowledgeBase(rag_settings(root / "knowledge", root / "data"))
    knowledge.load()
    return knowledge


def lead(kb: KnowledgeBase, question: str) -> str:
    """The first quoted sentence of the answer."""
    answer = kb.answer(question)
    assert not answer.abstained, answer.answer
    return _MARKER.split(answer.answer)[0]


def test_anchored_questions_are_read_with_their_snippets() -> None:
    section = parse_document("serving.md", SERVING).sections[-1]
    assert section.questions[1] == "how many gpus does a 13b model need for serving"
    assert section.anchors == ("", "two A100 cards", "break even after about 14 months")


def test_a_question_about_a_later_fact_leads_with_the_sentence_that_states_it(
    kb: KnowledgeBase,
) -> None:
    assert "two A100 cards" in lead(kb, "gpu count to serve a 13b model?")
    assert "14 months" in lead(kb, "how long b4 self-hosting pays off")


def test_a_question_about_the_section_still_leads_with_its_main_point(kb: KnowledgeBase) -> None:
    assert lead(kb, "cost of running the tuned model ourselves").startswith(
        "Serving a tuned model yourself moves the cost"
    )


def test_anchors_survive_the_index(kb: KnowledgeBase) -> None:
    chunk = next(c for c in kb.load().chunks if c.section == "serving-costs")
    assert chunk.anchors == ("", "two A100 cards", "break even after about 14 months")


def test_a_snippet_missing_from_its_section_is_a_clear_error() -> None:
    text = SERVING.replace('a: "two A100 cards"', 'a: "four H100 cards"')
    with pytest.raises(DocumentError, match=r"serving.md: the answer 'four H100 cards'.*serving"):
        parse_document("serving.md", text)


def test_an_item_that_is_neither_a_question_nor_q_and_a_is_a_clear_error() -> None:
    text = SERVING.replace('a: "two A100 cards"', "a: [two, cards]")
    with pytest.raises(DocumentError, match=r"items are questions or \{q: question"):
        parse_document("serving.md", text)


def test_a_snippet_may_span_markdown_emphasis(tmp_path: Path) -> None:
    text = SERVING.replace('a: "two A100 cards"', 'a: "needs two a100 cards to answer"')
    section = parse_document("serving.md", text).sections[-1]
    assert section.anchors[1] == "needs two a100 cards to answer"
