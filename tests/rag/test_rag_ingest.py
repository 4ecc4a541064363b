"""Ingestion: stable ids, incremental and idempotent runs, bad files, self-building index."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rag_support import rag_settings

from bot.rag.ingest import IngestError
from bot.rag.knowledge import KnowledgeBase
from bot.settings import Settings

FIXTURE_FILES = ["faq.md", "fine-tuning.md", "glossary.txt", "team-notes.md"]


def counts(report: object) -> tuple[int, int, int, int]:
    r = report.as_dict()  # type: ignore[attr-defined]
    return r["added"], r["changed"], r["removed"], r["unchanged"]


def indexed_ids(knowledge: KnowledgeBase) -> list[str]:
    return [c.id for c in knowledge.index.chunks()]


def test_first_ingest_adds_every_file(settings: Settings) -> None:
    report = KnowledgeBase(settings).ingest()
    assert sorted(report.added) == FIXTURE_FILES
    assert counts(report) == (4, 0, 0, 0)
    assert report.chunks == report.embedded == 11
    assert report.errors == []


def test_a_second_run_changes_nothing(settings: Settings) -> None:
    knowledge = KnowledgeBase(settings)
    knowledge.ingest()
    before = indexed_ids(knowledge)
    again = knowledge.ingest()
    assert counts(again) == (0, 0, 0, 4)
    assert again.embedded == 0
    assert indexed_ids(knowledge) == before


def test_the_same_content_gets_the_same_ids_in_a_fresh_index(
    settings: Settings, tmp_path: Path
) -> None:
    first = KnowledgeBase(settings)
    first.ingest()
    other = KnowledgeBase(rag_settings(settings.knowledge_dir, tmp_path / "other"))
    other.ingest()
    assert sorted(indexed_ids(first)) == sorted(indexed_ids(other))


def test_a_changed_file_is_reindexed_and_its_old_chunks_go(settings: Settings, docs: Path) -> None:
    knowledge = KnowledgeBase(settings)
    knowledge.ingest()
    faq = docs / "faq.md"
    faq.write_text(faq.read_text().replace("8/10 test cases", "9/10 test cases"))
    report = knowledge.ingest()
    assert counts(report) == (0, 1, 0, 3)
    assert report.embedded == 2 and report.chunks == 11
    texts = [c.text for c in knowledge.index.chunks()]
    assert any("9/10 test cases" in t for t in texts)
    assert not any("8/10 test cases" in t for t in texts)
    assert "9/10" in knowledge.answer("when do i stop tweaking prompts").answer


def test_a_deleted_file_is_removed_from_the_index(settings: Settings, docs: Path) -> None:
    knowledge = KnowledgeBase(settings)
    knowledge.ingest()
    (docs / "team-notes.md").unlink()
    report = knowledge.ingest()
    assert counts(report) == (0, 0, 1, 3)
    assert report.removed == ["team-notes.md"]
    assert {c.path for c in knowledge.index.chunks()} == {
        "faq.md",
        "fine-tuning.md",
        "glossary.txt",
    }
    assert knowledge.answer("gpu budget for experiments").abstained


def test_nothing_is_ever_indexed_twice(settings: Settings, docs: Path) -> None:
    knowledge = KnowledgeBase(settings)
    for round_ in range(3):
        (docs / "extra.md").write_text(f"# Extra\n\n## Round\n\nPrompt round {round_} notes.\n")
        knowledge.ingest()
    ids = indexed_ids(knowledge)
    assert not [cid for cid, n in Counter(ids).items() if n > 1]
    assert sum("Prompt round" in c.text for c in knowledge.index.chunks()) == 1


def test_new_files_in_subfolders_are_ingested_and_hidden_ones_skipped(
    settings: Settings, docs: Path
) -> None:
    (docs / "team").mkdir()
    (docs / "team" / "oncall.md").write_text(
        "# On-call\n\n## Prompt incidents\n\nPage the ML lead.\n"
    )
    (docs / ".drafts").mkdir()
    (docs / ".drafts" / "draft.md").write_text("# Draft\n\nnot ready\n")
    (docs / "image.png").write_bytes(b"\x89PNG")
    report = KnowledgeBase(settings).ingest()
    assert "team/oncall.md" in report.added
    assert not any(path.startswith(".drafts") for path in report.added)


def test_a_bad_file_is_reported_and_the_others_still_indexed(
    settings: Settings, docs: Path
) -> None:
    (docs / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n")
    report = KnowledgeBase(settings).ingest()
    assert report.errors and report.errors[0].startswith(
        "broken.md: front matter is not valid YAML"
    )
    assert "broken.md" not in report.added
    assert report.chunks == 11


def test_rebuild_embeds_everything_again(settings: Settings) -> None:
    knowledge = KnowledgeBase(settings)
    knowledge.ingest()
    report = knowledge.ingest(rebuild=True)
    assert report.rebuilt and counts(report) == (4, 0, 0, 0) and report.chunks == 11


def test_a_missing_knowledge_folder_is_a_clear_error(tmp_path: Path) -> None:
    knowledge = KnowledgeBase(rag_settings(tmp_path / "nowhere", tmp_path / "data"))
    with pytest.raises(IngestError, match=r"knowledge folder .*nowhere does not exist"):
        knowledge.ingest()


def test_the_index_builds_itself_on_first_use(settings: Settings) -> None:
    answer = KnowledgeBase(settings).answer("whats lora")
    assert not answer.abstained and "Low-Rank Adaptation" in answer.answer


def test_an_index_of_another_schema_or_backend_is_rebuilt(settings: Settings) -> None:
    knowledge = KnowledgeBase(settings)
    knowledge.ingest()
    knowledge.index.store._collection.modify(metadata={"schema": "old", "embedding": "x"})
    assert not knowledge.index.is_current()
    report = KnowledgeBase(settings).ingest()
    assert report.rebuilt and report.chunks == 11
