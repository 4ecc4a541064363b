"""The knowledge base: grounded answers from knowledge/ (implements `Answerer`).

One instance per process, built from Settings in the composition root. The
embedding model, the Chroma index and the BM25 index load once, on first use;
a missing index is built then (an embedded index is also brought up to date).

A re-ingest by another process (`advisor ingest`, another worker) is noticed
without a restart: at most every REFRESH_SECONDS a question first reads the
index's fingerprint (one small Chroma request) and, when it changed, a thread
loads the chunks and the BM25 side again; questions meanwhile use the old ones.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import threading
import time
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from bot.core.ports import Answer, KnowledgeUnavailable, Source
from bot.rag.embeddings import embedding_id
from bot.rag.extractive import ANSWER_CHARS, Sentence, compose, select
from bot.rag.ingest import IngestError, IngestReport, ingest
from bot.rag.interaction import Matcher, TokenMatcher, token_matcher
from bot.rag.llm import LlmWriter
from bot.rag.memory import give_back_memory
from bot.rag.parts import split_parts
from bot.rag.ranker import SentenceRanker, load_ranker
from bot.rag.relevance import calibration_for
from bot.rag.retrieval import PARTS, Hit, HybridRetriever, Retrieval, VectorsSkipped
from bot.rag.units import sentences
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.rag.index import ChunkIndex

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
READ_AHEAD_SENTENCES = TokenMatcher.REMEMBERED  # a knowledge base with more is read as asked
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
        background: bool = True,
    ) -> None:
        """`chat_model` (a LangChain chat model) overrides settings.llm_model; tests pass fakes.

        `parts` are the retrieval parts in use (all by default; ablations drop some).
        `refresh_seconds`: how often to look for a re-ingested index (0: before every question);
        `background`: reload it in a thread (False: in the question that noticed, for tests).
        """
        self.settings = settings
        self.parts = parts
        self.refresh_seconds = refresh_seconds
        self.background = background
        self._client = client
        self._writer = LlmWriter(settings, chat_model)
        self._index: ChunkIndex | None = None
        self._retriever: HybridRetriever | None = None
        self._fingerprint = ""  # what the retriever was loaded from
        self._checked = 0.0  # time.monotonic() of the last look at the fingerprint
        self._lock = threading.Lock()
        self._looking = threading.Lock()  # held while looking at the fingerprint or reloading
        self._searches = _Searches()
        # the learned sentence ranker, when one was fitted for this embedding and the
        # vector search (whose similarities it reads) is in use
        embedding = embedding_id(settings.embedding_backend, settings.embedding_model)
        wanted = {"vectors", "sentences"} <= parts
        self._ranker: SentenceRanker | None = load_ranker(embedding) if wanted else None
        self._matcher: TokenMatcher | None = None  # late interaction for the ranker, on first use
        self._matcher_lock = threading.Lock()
        self._reading_ahead: threading.Thread | None = None

    # -- loading -------------------------------------------------------------------------

    def _reader(self, retrieval: Retrieval) -> tuple[SentenceRanker | None, Matcher | None]:
        """The learned ranker and its late-interaction matcher for this retrieval's
        candidates, when it can be used (vectors were searched)."""
        if self._ranker is None or not retrieval.evidence.has_vectors:
            return None, None
        return self._ranker, self._token_matcher()

    def use_ranker(self, ranker: SentenceRanker | None) -> None:
        """Rank sentences with this ranker from the next question on (None: by the
        hand-made scores); the ranker's cross-validation answers with one per fold."""
        self._ranker = ranker

    def _token_matcher(self) -> TokenMatcher | None:
        with self._matcher_lock:
            if self._matcher is None:
                self._matcher = token_matcher(self.settings.embedding_backend)
            return self._matcher

    def _read_ahead(self, retriever: HybridRetriever) -> None:
        """Late interaction needs the token vectors of the sentences it compares, a model
        run each (about 10 ms on one core). For a small knowledge base (the guide has
        about 230 sentences) a background thread computes them all once it is loaded,
        on one core, so that no question waits for them; a larger one is read as asked."""
        if self._ranker is None or not self.background or "vectors" not in self.parts:
            return
        texts: dict[str, None] = {}
        for chunk in retriever.chunks:  # a large wiki is given up on at its first chunks
            texts.update(dict.fromkeys(sentences(chunk.body)))
            if len(texts) > READ_AHEAD_SENTENCES:
                return

        def run() -> None:
            try:
                matcher = self._token_matcher()
                if matcher is not None:
                    matcher.remember(list(texts), _stopping)
            except Exception as exc:  # only a head start: questions compute what they need
                log.warning("sentences not read ahead for late interaction: %s", exc)

        thread = threading.Thread(target=run, name="knowledge-read-ahead", daemon=True)
        _read_ahead_threads.add(thread)
        self._reading_ahead = thread
        thread.start()

    def settle(self, timeout: float | None = None) -> bool:
        """Wait for the start-up work that runs in the background (the read-ahead) to
        end, so that what is measured next is warm; False if it is still running."""
        thread = self._reading_ahead
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    @property
    def index(self) -> ChunkIndex:
        """The Chroma index (connects on first use; KnowledgeUnavailable if it cannot)."""
        if self._index is None:
            from bot.rag.index import open_index  # chromadb: imported on first use only

            self._index = open_index(self.settings, self._client)
        return self._index

    def load(self) -> HybridRetriever:
        """Connect, build the index if it is missing, and build the BM25 side once; look
        for a re-ingest at most every refresh_seconds (see `_look`)."""
        retriever = self._retriever
        if retriever is None:
            with self._lock:
                if self._retriever is None:
                    self._ensure_index()
                    self._retriever = self._build(self.index.fingerprint())
                retriever = self._retriever
        elif self._due():
            self._look()
            retriever = self._retriever or retriever
        return retriever

    def _due(self) -> bool:
        return time.monotonic() - self._checked >= self.refresh_seconds

    def _build(self, fingerprint: str) -> HybridRetriever:
        """The retriever over every indexed chunk; `fingerprint` was read before them, so
        that an ingest finishing meanwhile is noticed at the next look."""
        retriever = HybridRetriever(
            self.index.chunks(),
            self._search,
            self.parts,
            calibration_for(self.settings.embedding_backend),
        )
        self._fingerprint, self._checked = fingerprint, time.monotonic()
        give_back_memory()
        self._read_ahead(retriever)
        return retriever

    def _look(self) -> None:
        """Compare the index's fingerprint with the loaded one (one thread at a time) and
        reload when another process re-ingested: in a background thread by default, so no
        question waits for it (seconds at 50,000 chunks); questions meanwhile use the
        loaded chunks. A failed look keeps what is loaded and is tried again later."""
        if not self._looking.acquire(blocking=False):
            return  # another thread is looking or reloading
        handed_over = False
        try:
            if not self._due():
                return
            self._checked = time.monotonic()
            fingerprint = self.index.fingerprint()
            if fingerprint == self._fingerprint:
                return
            if self.background:
                worker = threading.Thread(
                    target=self._reload, args=(fingerprint,), name="knowledge-reload", daemon=True
                )
                worker.start()
                handed_over = True
            else:
                self._reload(fingerprint, release=False)
        except KnowledgeUnavailable as exc:
            log.warning("knowledge index not reloaded: %s", exc)
        finally:
            if not handed_over:
                self._looking.release()

    def _reload(self, fingerprint: str, release: bool = True) -> None:
        """Load the chunks and BM25 side afresh and swap them in."""
        try:
            with self._lock:
                self._reconnect()
                self._retriever = self._build(fingerprint)
            log.info("knowledge index reloaded: %d chunks", len(self._retriever.chunks))
        except Exception as exc:  # keep answering from what is loaded; look again later
            log.warning("knowledge index not reloaded: %s", exc)
        finally:
            if release:
                self._looking.release()

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
        a new one opened, while no search runs (a client passed in, or a server's, only
        forgets the collection, which a rebuild replaces)."""
        index = self.index
        if self._client is not None or self.settings.chroma_host:
            index.reopen()
            return
        from bot.rag.index import open_index

        with self._searches.exclusive():
            index.close()  # first: a new client would share the old one's loaded index
            self._index = None  # if connecting fails, the next use connects again
            self._index = open_index(self.settings)

    def _search(self, text: str, k: int) -> list[tuple[str, float]]:
        """Vector search on the current index. A collection that another process rebuilt
        meanwhile is looked up again by name, once, and the next question looks at the
        fingerprint (so that the BM25 side follows); while the rebuild is still under way,
        BM25 answers alone (VectorsSkipped)."""
        with self._searches.shared():
            index = self.index
            try:
                return index.search(text, k)
            except KnowledgeUnavailable as exc:
                if not _collection_replaced(exc):
                    raise
            self._checked = -math.inf
            try:
                index.reopen()
                return index.search(text, k)
            except KnowledgeUnavailable as exc:
                if not _collection_replaced(exc):
                    raise
                log.info("vector search skipped while the index is rebuilt: %s", exc)
                raise VectorsSkipped(str(exc)) from exc

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
            ranker, matcher = self._reader(retrieval)
            picked = select(
                retrieval.weights,
                retrieval.query.text,
                retrieval.hits,
                retriever.bm25.idf,
                max_chars=budget,
                max_sections=1,
                ranker=ranker,
                matcher=matcher,
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
        ranker, matcher = self._reader(retrieval)
        chosen = select(
            retrieval.weights,
            retrieval.query.text,
            retrieval.hits,
            retriever.bm25.idf,
            max_sections=2 if retrieval.relevant else 1,  # a closest match: its one section
            ranker=ranker,
            matcher=matcher,
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


# Read-ahead threads stop between batches at exit, rather than run the model while the
# interpreter shuts down.
_stopping = threading.Event()
_read_ahead_threads: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


@atexit.register
def _stop_reading_ahead() -> None:
    _stopping.set()
    for thread in list(_read_ahead_threads):
        thread.join(timeout=2.0)


# What Chroma says about a collection that a rebuild deleted, or is still filling.
_REPLACED = ("does not exist", "Missing metadata segment", "segment reader")


def _collection_replaced(exc: KnowledgeUnavailable) -> bool:
    """True when the collection is gone or half built (another process rebuilds it)."""
    cause = exc.__cause__
    return type(cause).__name__ == "NotFoundError" or any(s in str(exc) for s in _REPLACED)


class _Searches:
    """Searches run side by side; replacing the client waits for them to end and holds
    new ones back until it is done (a few milliseconds, once per re-ingest)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._running = 0
        self._replacing = False

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._replacing)
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._replacing)
            self._replacing = True
            self._changed.wait_for(lambda: self._running == 0)
        try:
            yield
        finally:
            with self._changed:
                self._replacing = False
                self._changed.notify_all()


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
