"""Fixtures: a fake OpenAI-compatible server, and settings pointing the real client at it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # fake_openai, for the Slack tests too
sys.path.insert(0, str(Path(__file__).parents[1] / "rag"))  # rag_support: fixture documents
sys.path.insert(0, str(Path(__file__).parents[1] / "core"))  # core_fakes: store, answerer

from fake_openai import FakeOpenAI, running_fake_openai
from rag_support import copy_fixtures, rag_settings

from bot.rag.knowledge import KnowledgeBase
from bot.settings import Settings

pytest.importorskip("langchain_openai")


@pytest.fixture
def openai_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """A fake OpenAI server; the real client gets a dummy key and no proxy."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-dummy")
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with running_fake_openai() as fake:
        yield fake


@pytest.fixture(scope="session")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over the fixture documents, indexed once for the session (no LLM)."""
    root = tmp_path_factory.mktemp("llm-kb")
    settings = rag_settings(copy_fixtures(root / "knowledge"), root / "data")
    KnowledgeBase(settings).load()
    return settings


@pytest.fixture
def llm_settings(indexed: Settings, openai_server: FakeOpenAI) -> Settings:
    """The indexed settings with LLM_MODEL=openai:gpt-4o-mini at the fake server."""
    return indexed.model_copy(
        update={
            "llm_model": "openai:gpt-4o-mini",
            "llm_base_url": openai_server.url,
            "llm_timeout_s": 5.0,
            "llm_max_retries": 2,
        }
    )
