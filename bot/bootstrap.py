"""The one composition root: real collaborators wired into the conversation core.

Channels (terminal, Slack) call `build_core(settings)`; tests wire fakes into `Advisor`
directly. The knowledge base is built lazily on the first question, so a chat that
only runs decisions starts fast and works without an index.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitedTooLong
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


class GuardedAnswerer:
    """Knowledge-base calls on a small pool of their own, each bounded, behind a breaker.

    A hung or paused Chroma must not take the threads that decisions need: a question
    waits at most `deadline_s`, at most `workers` questions wait at once (more are told
    at once that the knowledge base is unavailable), and after a failure only one
    question at a time goes through to check it (a circuit breaker that probes): the
    others are told at once, and the first success closes it again.
    """

    def __init__(
        self,
        inner: Answerer,
        *,
        workers: int = 4,
        deadline_s: float = 10.0,
    ) -> None:
        self._inner = inner
        self._deadline_s = deadline_s
        self._slots = threading.BoundedSemaphore(workers)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="advisor-knowledge")
        self._failing = False
        self._probe = threading.Lock()  # held by the one call checking a failing base

    def answer(self, question: str) -> Answer:
        """The inner answer, or KnowledgeUnavailable: fast while open or busy, else in time."""
        probe = self._failing
        if probe and not self._probe.acquire(blocking=False):
            raise KnowledgeUnavailable("the knowledge base is failing; another call checks it")
        if not self._take_slot(probe):
            if probe:
                self._probe.release()
            raise KnowledgeUnavailable("every knowledge-base call is still waiting on it")
        # the caller's context goes along: a channel's answer sink (bot.llm.sink) is in it
        future = self._pool.submit(contextvars.copy_context().run, self._call, question, probe)
        try:
            answer = future.result(timeout=self._deadline_s)
        except WaitedTooLong:
            self._failing = True
            raise KnowledgeUnavailable(
                f"the knowledge base did not answer within {self._deadline_s:.0f}s"
            ) from None
        except KnowledgeUnavailable:
            self._failing = True
            raise
        self._failing = False
        return answer

    def _take_slot(self, probe: bool) -> bool:
        """A free slot: waited for while the base is healthy (a busy moment), not once
        it is failing (then the waiting calls are hung ones)."""
        give_up = time.monotonic() + self._deadline_s
        while not self._slots.acquire(timeout=0.05):
            if (self._failing and not probe) or time.monotonic() >= give_up:
                return False
        return True

    def _call(self, question: str, probe: bool) -> Answer:
        try:  # the slot is freed when the call really ends, not when its caller gave up
            return self._inner.answer(question)
        finally:
            self._slots.release()
            if probe:
                self._probe.release()


def build_store(settings: Settings) -> Store:
    """The state store for the configured URL (SQLite file by default)."""
    from bot.store.sql import SqlStore

    return SqlStore(settings.resolved_database_url)


def knowledge_answerer(settings: Settings) -> Answerer:
    """The real knowledge-base answerer (RAG over Chroma), built from settings."""
    from bot.rag.knowledge import KnowledgeBase

    return KnowledgeBase(settings)


def guarded_knowledge(settings: Settings) -> Answerer:
    """The knowledge base, built on the first question, every call bounded (GuardedAnswerer)."""
    return GuardedAnswerer(LazyAnswerer(lambda: knowledge_answerer(settings)))


def build_core(
    settings: Settings, *, store: Store | None = None, answerer: Answerer | None = None
) -> Advisor:
    """The conversation core with the real engine, store and (lazy) knowledge base."""
    from bot.core.meaning import read_meaning  # the bundled model, loaded on the first message
    from bot.engine import decide

    return Advisor(
        store if store is not None else build_store(settings),
        answerer if answerer is not None else guarded_knowledge(settings),
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
