"""Documents -> chunks: sections, FAQ questions apart, tables whole, heading paths, ids."""

from __future__ import annotations

from rag_support import FIXTURES

from bot.rag.chunking import Chunk, chunk_document, split_body
from bot.rag.documents import parse_document


def chunks_of(name: str, text: str | None = None, max_chars: int = 1000) -> list[Chunk]:
    source = text if text is not None else (FIXTURES / name).read_text()
    return chunk_document(parse_document(name, source), max_chars=max_chars)


def test_each_section_is_one_chunk_with_its_id() -> None:
    chunks = chunks_of("fine-tuning.md")
    assert [c.section for c in chunks] == ["ft-what", "ft-cost", "ft-data", "rag-first"]


def test_each_chunk_starts_with_its_heading_path() -> None:
    chunk = chunks_of("fine-tuning.md")[1]
    assert chunk.heading_path == "Fine-tuning basics > What a training run costs"
    assert chunk.text.startswith("Fine-tuning basics > What a training run costs\n\n")
    assert chunk.body.startswith("A single fine-tuning run costs $500-$5000+")


def test_faq_questions_under_a_section_become_chunks_of_their_own() -> None:
    checklist = [c for c in chunks_of("team-notes.md") if c.section == "prompt-review-checklist"]
    assert [c.heading_path for c in checklist] == [
        "Platform team notes > Prompt review checklist > Who reviews prompts?",
        "Platform team notes > Prompt review checklist > Where do prompts live?",
    ]
    assert "reviewed by a second engineer" in checklist[0].body


def test_a_small_table_stays_in_its_section_chunk_whole() -> None:
    cost = chunks_of("fine-tuning.md")[1]
    assert "| Training | $0 | $500-$5000+ per run |" in cost.body
    assert "| Time to result | 2 hours | 7 days |" in cost.body


def test_a_long_table_is_split_between_rows_and_repeats_its_header() -> None:
    rows = "\n".join(
        f"| Factor {n} | value {n} for prompting | value {n} for tuning |" for n in range(40)
    )
    text = f"# T\n\n## Big table\n\n| Factor | Prompting | Fine-tuning |\n|---|---|---|\n{rows}\n"
    chunks = chunks_of("t.md", text, max_chars=500)
    assert len(chunks) > 2
    seen_rows = []
    for chunk in chunks:
        lines = chunk.body.split("\n")
        assert lines[:2] == ["| Factor | Prompting | Fine-tuning |", "|---|---|---|"]
        assert all(line.startswith("| Factor ") and line.endswith("|") for line in lines[2:])
        seen_rows.extend(lines[2:])
    assert seen_rows == rows.split("\n")  # every row once, none cut


def test_long_prose_is_split_below_the_size_limit_without_losing_words() -> None:
    sentences = [f"Sentence number {n} talks about prompt iteration." for n in range(60)]
    body = " ".join(sentences)
    pieces = split_body(body, max_chars=400)
    assert len(pieces) > 1
    assert all(len(piece) <= 400 for piece in pieces)
    assert all(sentence.rstrip(".") in " ".join(pieces) for sentence in sentences)


def test_ids_are_stable_and_change_with_the_content() -> None:
    first, again = chunks_of("faq.md"), chunks_of("faq.md")
    assert [c.id for c in first] == [c.id for c in again]
    edited = (FIXTURES / "faq.md").read_text().replace("8/10", "9/10")
    changed = chunks_of("faq.md", edited)
    assert changed[0].id == first[0].id  # the LoRA section did not change
    assert changed[1].id != first[1].id


def test_identical_sections_are_not_indexed_twice() -> None:
    text = "# T\n\n## Same\n\nsame words here\n\n## Same\n\nsame words here\n"
    assert len(chunks_of("t.md", text)) == 1
