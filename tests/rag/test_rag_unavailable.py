"""The knowledge base behind a Chroma server: shared by workers, and a clear error when down."""

from __future__ import annotations

from pathlib import Path

import pytest
from rag_support import closed_port, rag_settings, running_chroma

from bot.core.ports import KnowledgeUnavailable
from bot.rag.knowledge import KnowledgeBase
from bot.settings import Settings


def test_an_unreachable_chroma_server_is_knowledge_unavailable(docs: Path, tmp_path: Path) -> None:
    port = closed_port()
    settings = rag_settings(docs, tmp_path / "data", chroma_host="127.0.0.1", chroma_port=port)
    with pytest.raises(KnowledgeUnavailable) as caught:
        KnowledgeBase(settings).answer("whats lora")
    message = str(caught.value)
    assert message.startswith("The knowledge base is unavailable:")
    assert f"the Chroma server at 127.0.0.1:{port}" in message
    assert "\n" not in message


@pytest.mark.chroma_server
def test_answers_through_a_chroma_server_shared_by_two_workers(
    chroma_server: tuple[str, int], docs: Path, tmp_path: Path
) -> None:
    host, port = chroma_server
    settings = rag_settings(
        docs, tmp_path / "data", chroma_host=host, chroma_port=port, chroma_collection="shared-kb"
    )
    first = KnowledgeBase(settings)
    report = first.ingest(rebuild=True)
    assert report.chunks == 11
    assert first.ingest().embedded == 0  # the manifest lives on the server

    second = KnowledgeBase(
        rag_settings(
            Path("/nonexistent"),
            tmp_path / "other",
            chroma_host=host,
            chroma_port=port,
            chroma_collection="shared-kb",
        )
    )
    answer = second.answer("how much does ft cost")
    assert not answer.abstained and "$500-$5000+" in answer.answer
    assert not (tmp_path / "data").exists() and not (tmp_path / "other").exists()


@pytest.mark.chroma_server
def test_a_missing_index_on_the_server_builds_itself(
    chroma_server: tuple[str, int], settings: Settings
) -> None:
    host, port = chroma_server
    remote = settings.model_copy(
        update={"chroma_host": host, "chroma_port": port, "chroma_collection": "self-built"}
    )
    assert not KnowledgeBase(remote).answer("whats lora").abstained


@pytest.mark.chroma_server
def test_a_server_that_goes_down_makes_answers_unavailable(
    settings: Settings, tmp_path: Path
) -> None:
    with running_chroma(tmp_path / "server") as (host, port):
        remote = settings.model_copy(update={"chroma_host": host, "chroma_port": port})
        knowledge = KnowledgeBase(remote)
        assert not knowledge.answer("whats lora").abstained
    with pytest.raises(KnowledgeUnavailable, match=f"Chroma server at {host}:{port}"):
        knowledge.answer("whats lora")
