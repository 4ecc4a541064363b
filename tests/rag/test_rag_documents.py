"""Knowledge files -> title and sections: front matter ids, team docs, bad files."""

from __future__ import annotations

import pytest
from rag_support import FIXTURES

from bot.rag.documents import DocumentError, parse_document, slugify


def test_front_matter_gives_the_title_and_the_section_ids() -> None:
    doc = parse_document("fine-tuning.md", (FIXTURES / "fine-tuning.md").read_text())
    assert doc.title == "Fine-tuning basics"
    assert [(s.id, s.heading) for s in doc.sections] == [
        ("ft-what", "What fine-tuning is"),
        ("ft-cost", "What a training run costs"),
        ("ft-data", "How much data you need"),
        ("rag-first", "Retrieval before training"),
    ]


def test_a_team_doc_without_front_matter_uses_its_heading_and_slugs() -> None:
    doc = parse_document("team-notes.md", (FIXTURES / "team-notes.md").read_text())
    assert doc.title == "Platform team notes"
    assert [s.id for s in doc.sections] == [
        "team-notes",  # the text before the first section
        "our-gpu-budget",
        "prompt-review-checklist",
    ]


def test_a_text_file_is_one_section_titled_after_the_file() -> None:
    doc = parse_document("notes/model_glossary.txt", "A hold-out set is never trained on.")
    assert doc.title == "Model glossary"
    assert [s.body for s in doc.sections] == ["A hold-out set is never trained on."]


def test_headings_inside_code_fences_are_not_sections() -> None:
    text = "# Doc\n\n## Real\n\n```\n## not a heading\n```\n"
    doc = parse_document("doc.md", text)
    assert [s.heading for s in doc.sections] == ["Real"]
    assert "## not a heading" in doc.sections[0].body


def test_repeated_headings_get_distinct_ids() -> None:
    doc = parse_document("doc.md", "## Notes\n\none\n\n## Notes\n\ntwo\n")
    assert [s.id for s in doc.sections] == ["notes", "notes-2"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\ntitle: [unclosed\n---\n# T\n", "not valid YAML"),
        ("---\n- a list\n---\n# T\n", "must be a mapping"),
        ("---\ntitle: T\nsections: [a, b]\n---\n# T\n", "`sections` must map ids"),
    ],
    ids=["broken-yaml", "not-a-mapping", "sections-not-a-mapping"],
)
def test_bad_front_matter_is_a_clear_error_naming_the_file(text: str, problem: str) -> None:
    with pytest.raises(DocumentError, match=problem) as caught:
        parse_document("team/bad.md", text)
    assert str(caught.value).startswith("team/bad.md: ")


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("FAQ: what LoRA is", "faq-what-lora-is"),
        ("  The 90% test ", "the-90-test"),
        ("!!!", "section"),
    ],
)
def test_slugify(heading: str, slug: str) -> None:
    assert slugify(heading) == slug
