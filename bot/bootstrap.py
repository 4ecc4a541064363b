"""The one composition root: real collaborators wired into the conversation core.

Channels (terminal, Slack) call `build_core(settings)`; tests wire fakes into `Advisor`
directly. The knowledge base is built lazily on the first question, so a chat that
only runs decisions starts fast and works without an index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from bot.core.ports import Answer, Answerer, KnowledgeUnavailable, SlotProposer
from bot.core.service import Advisor
from bot.settings import Settings
from bot.store.base import Store


class LazyAnswerer:
    """An Answerer built on first use; a failed build is retried on the next question."""

    def __init__(self, factory: Callable[[], Answerer]) -> None:
        self._factory = factory
        self._answerer: Answerer | None = None
        self._lock = threading.Lock()

    def answer(self, question: str) -> Answer:
        """Answer from the knowledge base (KnowledgeUnavailable when it cannot be built)."""
        return self._get().answer(question)

    def _get(self) -> Answerer:
        with self._lock:
            if self._answerer is None:
                try:
                    self._answerer = self._factory()
                except KnowledgeUnavailable:
                    raise
                except Exception as exc:
                    raise KnowledgeUnavailable(f"could not open the knowledge base: {exc}") from exc
            return self._answerer


def build_store(settings: Settings) -> Store:
    """The state store for the configured URL (SQLite file by default)."""
    from bot.store.sql import SqlStore

    return SqlStore(settings.resolved_database_url)


def knowledge_answerer(settings: Settings) -> Answerer:
    """The real knowledge-base answerer (RAG over Chroma), built from settings."""
    from bot.rag.knowledge import KnowledgeBase

    return KnowledgeBase(settings)


def build_core(
    settings: Settings, *, store: Store | None = None, answerer: Answerer | None = None
) -> Advisor:
    """The conversation core with the real engine, store and (lazy) knowledge base."""
    from bot.core.meaning import read_meaning  # the bundled model, loaded on the first message
    from bot.engine import decide

    return Advisor(
        store if store is not None else build_store(settings),
        answerer if answerer is not None else LazyAnswerer(lambda: knowledge_answerer(settings)),
        decide,
        ttl=timedelta(hours=settings.dialogue_ttl_hours),
        proposer=slot_proposer(settings),
        reader=read_meaning,
    )


def slot_proposer(settings: Settings) -> SlotProposer | None:
    """The LLM's slot reader when a model is configured and proposals are on."""
    if not settings.llm_model or not settings.llm_slot_proposals:
        return None
    from bot.llm.slots import LlmSlotProposer

    return LlmSlotProposer(settings)
