"""Fixtures: fixture documents, knowledge bases over them and over the shipped guide (each
built once), a Chroma server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rag_support import copy_fixtures, rag_settings, running_chroma

from bot.rag.knowledge import KnowledgeBase
from bot.settings import Settings


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A writable copy of the fixture documents."""
    return copy_fixtures(tmp_path / "knowledge")


@pytest.fixture
def settings(docs: Path, tmp_path: Path) -> Settings:
    """Settings with an embedded index of the fixture documents in tmp_path."""
    return rag_settings(docs, tmp_path / "data")


@pytest.fixture(scope="session")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """One knowledge base over the fixture documents, loaded once for read-only tests."""
    root = tmp_path_factory.mktemp("fixture-kb")
    knowledge = KnowledgeBase(rag_settings(copy_fixtures(root / "knowledge"), root / "data"))
    knowledge.load()
    return knowledge


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """One knowledge base over the shipped guide with the default embedding, loaded once."""
    root = Path(__file__).resolve().parents[2]
    # the product's defaults (MiniLM, six hits): what users get
    knowledge = KnowledgeBase(
        rag_settings(
            root / "knowledge",
            tmp_path_factory.mktemp("kb"),
            embedding_backend="minilm",
            retrieval_k=6,
        )
    )
    knowledge.load()
    return knowledge


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """One Chroma server for the session's server tests."""
    with running_chroma(tmp_path_factory.mktemp("chroma-server")) as address:
        yield address
