"""The knowledge base: grounded answers from knowledge/ (implements `Answerer`).

One instance per process, built from Settings in the composition root. The
embedding model, the Chroma index and the BM25 index load once, on first use;
a missing index is built then (an embedded index is also brought up to date).

A re-ingest by another process (`advisor ingest`, another worker) is noticed
without a restart: at most every REFRESH_SECONDS a question first reads the
index's fingerprint (one small Chroma request) and, when it changed, the chunks
and the BM25 side are loaded again; questions meanwhile use the old ones.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from bot.core.ports import Answer, KnowledgeUnavailable, Source
from bot.rag.extractive import ANSWER_CHARS, Sentence, compose, select
from bot.rag.ingest import IngestError, IngestReport, ingest
from bot.rag.llm import LlmWriter
from bot.rag.parts import split_parts
from bot.rag.retrieval import PARTS, Hit, HybridRetriever, Retrieval
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.rag.index import ChunkIndex

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
REFRESH_SECONDS = 30.0  # how often a worker checks for a re-ingested index
CLOSEST_MATCH = "Closest match in the guide:"
ABSTAIN_TEXT = (
    "The knowledge base doesn't cover that, so I'd rather not guess. "
    "I can answer questions about improving an AI feature: prompt engineering, "
    "RAG, fine-tuning, what they cost, how much data they need and when each is "
    'worth it. Or say "help me decide" and I\'ll walk you through a recommendation.'
)
EMPTY_TEXT = (
    "Ask me a question about prompt engineering, RAG or fine-tuning, "
    'for example "what does fine-tuning cost?".'
)


class KnowledgeBase:
    """Answers questions from the knowledge folder, or abstains."""

    def __init__(
        self,
        settings: Settings,
        *,
        chat_model: Any | None = None,
        client: Any | None = None,
        parts: frozenset[str] = PARTS,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        """`chat_model` (a LangChain chat model) overrides settings.llm_model; tests pass fakes.

        `parts` are the retrieval parts in use (all by default; ablations drop some).
        `refresh_seconds`: how often to look for a re-ingested index (0: before every question).
        """
        self.settings = settings
        self.parts = parts
        self.refresh_seconds = refresh_seconds
        self._client = client
        self._writer = LlmWriter(settings, chat_model)
        self._index: ChunkIndex | None = None
        self._retriever: HybridRetriever | None = None
        self._fingerprint = ""  # what the retriever was loaded from
        self._checked = 0.0  # time.monotonic() of the last look at the fingerprint
        self._lock = threading.Lock()

    # -- loading -------------------------------------------------------------------------

    @property
    def index(self) -> ChunkIndex:
        """The Chroma index (connects on first use; KnowledgeUnavailable if it cannot)."""
        if self._index is None:
            from bot.rag.index import open_index  # chromadb: imported on first use only

            self._index = open_index(self.settings, self._client)
        return self._index

    def load(self) -> HybridRetriever:
        """Connect, build the index if it is missing, and build the BM25 side; again
        when the index was re-ingested since (checked at most every refresh_seconds)."""
        retriever = self._retriever
        if retriever is not None and not self._due():
            return retriever
        with self._lock:
            if self._retriever is None:
                self._ensure_index()
                self._retriever = self._build(self.index.fingerprint())
            elif self._due():
                self._refresh()
            loaded = self._retriever
        assert loaded is not None
        return loaded

    def _due(self) -> bool:
        return time.monotonic() - self._checked >= self.refresh_seconds

    def _build(self, fingerprint: str) -> HybridRetriever:
        """The retriever over every indexed chunk; `fingerprint` was read before them, so
        that an ingest finishing meanwhile is noticed at the next check."""
        retriever = HybridRetriever(self.index.chunks(), self._search, self.parts)
        self._fingerprint, self._checked = fingerprint, time.monotonic()
        return retriever

    def _refresh(self) -> None:
        """Reload when another process re-ingested; on a failed look, keep what is loaded."""
        self._checked = time.monotonic()
        try:
            fingerprint = self.index.fingerprint()
            if fingerprint == self._fingerprint:
                return
            self._reconnect()
            self._retriever = self._build(fingerprint)
        except KnowledgeUnavailable as exc:
            log.warning("knowledge index not reloaded: %s", exc)
            return
        log.info("knowledge index reloaded: %d chunks", len(self._retriever.chunks))

    def _ensure_index(self) -> None:
        missing = self.index.count() == 0 or not self.index.is_current()
        if not missing and self.settings.chroma_host:
            return  # a shared server index is maintained by `advisor ingest`
        try:
            report = ingest(self.index, self.settings.knowledge_folders, progress=False)
        except IngestError as exc:
            if missing:
                raise KnowledgeUnavailable(f"The knowledge base is unavailable: {exc}.") from exc
            log.warning("knowledge index not refreshed: %s", exc)
            return
        if report.embedded or report.removed:
            log.info("knowledge index updated: %s", report.as_dict())

    def _reconnect(self) -> None:
        """Look the index up afresh. An embedded index opened by this process keeps the
        vectors it loaded, whatever another process wrote since: its client is closed and
        a new one opened (a client passed in, or a server's, only forgets the collection,
        which a rebuild replaces)."""
        index = self.index
        if self._client is not None or self.settings.chroma_host:
            index.reopen()
            return
        self._index = None
        index.close()

    def _search(self, text: str, k: int) -> list[tuple[str, float]]:
        """Vector search on the current index; once more when it was reconnected meanwhile."""
        index = self.index
        try:
            return index.search(text, k)
        except KnowledgeUnavailable:
            if self._index is index:
                raise
            return self.index.search(text, k)

    def ingest(self, *, rebuild: bool = False, progress: bool | None = None) -> IngestReport:
        """Bring the index in line with the knowledge folder (see bot.rag.ingest)."""
        with self._lock:
            report = ingest(
                self.index, self.settings.knowledge_folders, rebuild=rebuild, progress=progress
            )
            self._retriever = None
        return report

    # -- answering -----------------------------------------------------------------------

    def retrieve(self, question: str) -> Retrieval:
        """The chunks a question retrieves, and whether they cover it."""
        return self.load().retrieve(question[:MAX_QUESTION_CHARS], self.settings.retrieval_k)

    def answer(self, question: str) -> Answer:
        """A short grounded answer with sources, or a plain abstention."""
        if not question.strip():
            return Answer(answer=EMPTY_TEXT, abstained=True, mode="extractive", sources=[])
        parts = split_parts(question[:MAX_QUESTION_CHARS])
        if len(parts) > 1:
            answered = self._answer_parts(question, parts)
            if answered is not None:
                return answered
        retrieval = self.retrieve(question)
        if not retrieval.relevant and not retrieval.weak:
            return Answer(answer=ABSTAIN_TEXT, abstained=True, mode="extractive", sources=[])
        extractive = self._extractive(retrieval)
        if extractive is None:
            return Answer(answer=ABSTAIN_TEXT, abstained=True, mode="extractive", sources=[])
        if self._writer.enabled:
            context = _one_per_section(retrieval.hits)
            written = self._writer.write(question[:MAX_QUESTION_CHARS], context)
            if written is not None:
                return Answer(
                    answer=written, abstained=False, mode="llm", sources=_sources(context)
                )
        return extractive

    def _answer_parts(self, question: str, parts: list[str]) -> Answer | None:
        """One answer to a question that asks several things, each part from its own
        best section; None when a part is not covered or one section answers them all
        (then the question is answered whole)."""
        retriever = self.load()
        retrievals: list[Retrieval] = []
        topic = ""
        for part in parts:
            reading = retriever.lexicon.read(part)
            if reading.specific_words == 0 and topic:  # "...and how long does it take?"
                part = f"{topic} {part}"
            retrieval = self.retrieve(part)
            if not retrieval.relevant:
                return None
            retrievals.append(retrieval)
            topic = " ".join(retriever.lexicon.specific_words(part)) or topic
        keys = [(r.hits[0].chunk.path, r.hits[0].chunk.section) for r in retrievals]
        if len(set(keys)) < len(keys):
            return None
        budget = ANSWER_CHARS // len(retrievals) - 5
        hits: list[Hit] = []
        chosen: list[Sentence] = []
        for retrieval in retrievals:
            picked = select(
                retrieval.weights,
                retrieval.query.text,
                retrieval.hits,
                retriever.bm25.idf,
                max_chars=budget,
                max_sections=1,
            )
            if not picked:
                return None
            offset = len(hits)
            hits += retrieval.hits
            seen = {c.text for c in chosen}
            chosen += [
                Sentence(s.hit + offset, s.position, s.text) for s in picked if s.text not in seen
            ]
        if self._writer.enabled:
            context = _one_per_section(hits)
            written = self._writer.write(question[:MAX_QUESTION_CHARS], context)
            if written is not None:
                return Answer(
                    answer=written, abstained=False, mode="llm", sources=_sources(context)
                )
        text, cited = compose(chosen, [(h.chunk.path, h.chunk.section) for h in hits])
        sources = _sources([hits[i] for i in cited])
        return Answer(answer=text, abstained=False, mode="extractive", sources=sources)

    def _extractive(self, retrieval: Retrieval) -> Answer | None:
        retriever = self.load()
        chosen = select(
            retrieval.weights,
            retrieval.query.text,
            retrieval.hits,
            retriever.bm25.idf,
            max_sections=2 if retrieval.relevant else 1,  # a closest match: its one section
        )
        if not chosen:
            return None
        keys = [(h.chunk.path, h.chunk.section) for h in retrieval.hits]
        if retrieval.relevant:
            text, cited = compose(chosen, keys)
        else:  # say it is the closest match rather than abstain
            text, cited = compose(chosen, keys, ANSWER_CHARS - len(CLOSEST_MATCH) - 1)
            text = f"{CLOSEST_MATCH} {text}"
        sources = _sources([retrieval.hits[i] for i in cited])
        return Answer(answer=text, abstained=False, mode="extractive", sources=sources)


def _one_per_section(hits: list[Hit]) -> list[Hit]:
    """The best hit of each section, so that [n] and the cited sections match one to one."""
    seen: set[tuple[str, str]] = set()
    out = []
    for hit in hits:
        key = (hit.chunk.path, hit.chunk.section)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


def _sources(hits: list[Hit]) -> list[Source]:
    return [
        Source(
            id=h.chunk.id,
            title=h.chunk.title,
            section=h.chunk.section,
            path=h.chunk.path,
            score=round(h.score, 4),
            text=h.chunk.text,
        )
        for h in hits
    ]
