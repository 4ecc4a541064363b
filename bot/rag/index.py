"""The chunk index in Chroma, through langchain-chroma.

Embedded (`PersistentClient`) by default, a Chroma server (`HttpClient`) when
CHROMA_HOST is set. Our embedding function is always passed: Chroma's default
one downloads a model. Chunk metadata doubles as the ingest manifest (each
chunk records its file and that file's hash), so the manifest lives wherever
the index lives, on disk or on the server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple, cast

import chromadb
import httpx
import numpy as np
import numpy.typing as npt
from chromadb.api import ClientAPI
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.api.types import Embeddings as ChromaEmbeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.core.ports import KnowledgeUnavailable
from bot.rag.chunking import Chunk
from bot.rag.embeddings import load_embeddings
from bot.rag.index_ids import question_id, sentence_id
from bot.rag.units import sentences
from bot.settings import Settings

log = logging.getLogger(__name__)

# Bump when chunking or metadata change: an index with another schema is rebuilt.
# 3: section questions as entries; 4: with anchors; 5: sentences; 6: sentences framed by
# their heading
SCHEMA = "advisor-chunks-6"
_BATCH = 2048  # entries per add: Chroma refuses batches over ~5k
_PAGE = 1000  # entries per read: one big read needs more SQL variables than SQLite allows
STAMP = "content"  # collection metadata: what the last ingest left indexed (see stamp())
QUESTION = "question"  # metadata kind of a section question's entry
SENTENCE = "sentence"  # ... and of one of a chunk's sentences
BARE_SHARE = 0.3  # of a sentence entry's vector, the sentence's alone (see framed_vectors)


class AdvisorEmbeddingFunction(EmbeddingFunction[Documents]):
    """Our embeddings as a Chroma embedding function, so Chroma never uses its default."""

    def __init__(self, backend: str, model: str | None) -> None:
        self.backend, self.model = backend, model

    def __call__(self, input: Documents) -> ChromaEmbeddings:
        vectors = load_embeddings(self.backend, self.model).embed_documents(list(input))
        return [list(v) for v in vectors]  # type: ignore[misc]

    @staticmethod
    def name() -> str:
        return "advisor"

    def get_config(self) -> dict[str, Any]:
        return {"backend": self.backend, "model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> AdvisorEmbeddingFunction:
        # Chroma rebuilds embedding functions often: the model itself is cached.
        return AdvisorEmbeddingFunction(config["backend"], config.get("model"))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


register_embedding_function(AdvisorEmbeddingFunction)


def describe(settings: Settings) -> str:
    """Where the index lives, for messages."""
    if settings.chroma_host:
        return f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
    return f"the local index in {settings.resolved_chroma_path}"


def connect(settings: Settings) -> ClientAPI:
    """A Chroma client for the settings (raises KnowledgeUnavailable when unreachable)."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    with unavailable_on_error(settings):
        if settings.chroma_host:
            # Building the client already talks HTTP with no timeout: a bounded heartbeat
            # first makes a hung, paused or refusing server fail here within seconds.
            _reachable(settings.chroma_host, settings.chroma_port)
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
            _set_timeout(client)
            client.heartbeat()
            return client
        settings.resolved_chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(settings.resolved_chroma_path), settings=chroma_settings
        )


_TIMEOUT = httpx.Timeout(15.0, connect=3.0)


def _reachable(host: str, port: int) -> None:
    """Any HTTP answer from the server within the timeout; raises otherwise."""
    httpx.get(f"http://{host}:{port}/api/v2/heartbeat", timeout=httpx.Timeout(5.0, connect=3.0))


def _set_timeout(client: ClientAPI) -> None:
    """Chroma's HTTP client waits forever by default; a hung server must not hang replies."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = _TIMEOUT


@contextmanager
def unavailable_on_error(settings: Settings) -> Iterator[None]:
    """Turn any Chroma failure into KnowledgeUnavailable with a clear message."""
    try:
        yield
    except KnowledgeUnavailable:
        raise
    except Exception as exc:
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise KnowledgeUnavailable(
            f"The knowledge base is unavailable: cannot use {describe(settings)} ({detail})."
        ) from exc


class ChunkIndex:
    """Chunks with their vectors in one Chroma collection.

    Every Chroma call runs inside `unavailable_on_error`: a server that is down
    becomes KnowledgeUnavailable with a clear message, never a stack trace.
    """

    def __init__(self, settings: Settings, client: ClientAPI, embeddings: Embeddings) -> None:
        self.settings = settings
        self.client = client
        self.embeddings = embeddings
        self.embedding_id = f"{settings.embedding_backend}:{settings.embedding_model or ''}"
        self._store: Chroma | None = None

    @property
    def store(self) -> Chroma:
        """The langchain-chroma vector store over our collection (created when missing)."""
        if self._store is None:
            with unavailable_on_error(self.settings):
                self._store = self._open()
        return self._store

    def _ours(self) -> Any:
        return AdvisorEmbeddingFunction(
            self.settings.embedding_backend, self.settings.embedding_model
        )

    def _open(self) -> Chroma:
        name = self.settings.chroma_collection
        self.client.get_or_create_collection(
            name=name,
            embedding_function=self._ours(),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"schema": SCHEMA, "embedding": self.embedding_id},
        )
        return Chroma(collection_name=name, embedding_function=self.embeddings, client=self.client)

    def is_current(self) -> bool:
        """True when the collection was built with this schema and embedding backend."""
        with unavailable_on_error(self.settings):
            meta = self.store._collection.metadata or {}
        return meta.get("schema") == SCHEMA and meta.get("embedding") == self.embedding_id

    def reset(self) -> None:
        """Drop the collection with every chunk, then start an empty one."""
        _ = self.store  # so that there is a collection to delete
        with unavailable_on_error(self.settings):
            self.client.delete_collection(self.settings.chroma_collection)
        self._store = None
        _ = self.store

    def reopen(self) -> None:
        """Forget the collection handle: the next use looks the collection up again (after
        another process rebuilt it, the old handle points at a deleted collection)."""
        self._store = None

    def close(self) -> None:
        """Let go of the client (an embedded index is loaded afresh by the next client)."""
        self._store = None
        close = getattr(self.client, "close", None)  # not on ClientAPI's type, on its clients
        try:
            if close is not None:
                close()
        except Exception as exc:  # already closed or never opened: nothing to let go of
            log.debug("closing the Chroma client: %s", exc)

    def fingerprint(self) -> str:
        """What is indexed now, read fresh from Chroma with one small request: the
        collection's id (a rebuild makes a new one) and the stamp of its last ingest.
        Workers compare it to notice a re-ingest made by another process."""
        with unavailable_on_error(self.settings):
            collection = self.client.get_collection(
                self.settings.chroma_collection, embedding_function=self._ours()
            )
        return f"{collection.id}:{(collection.metadata or {}).get(STAMP, '')}"

    def stamp(self, content: str) -> None:
        """Record what an ingest left indexed (a hash of its files) in the collection's
        metadata, where every worker can read it; nothing is written when it is unchanged."""
        with unavailable_on_error(self.settings):
            collection = self.client.get_collection(
                self.settings.chroma_collection, embedding_function=self._ours()
            )
            meta = dict(collection.metadata or {})
            if meta.get(STAMP) != content:
                collection.modify(metadata={**meta, STAMP: content})
            self._store = None  # langchain-chroma's handle caches the old metadata

    def _rows(
        self, include: list[str], where: dict[str, Any] | None = None
    ) -> Iterator[tuple[str, str, Any]]:
        """(id, document or "", metadata) of every entry (that matches `where`), read a
        page at a time."""
        offset = 0
        while True:
            with unavailable_on_error(self.settings):
                page = self.store._collection.get(
                    where=cast(Any, where), include=cast(Any, include), limit=_PAGE, offset=offset
                )
            ids = page["ids"]
            if not ids:
                return
            documents: list[str] = list(page["documents"] or [""] * len(ids))
            yield from zip(ids, documents, page["metadatas"] or [{}] * len(ids), strict=True)
            if len(ids) < _PAGE:
                return
            offset += len(ids)

    def count(self) -> int:
        """How many entries are indexed (chunks, their sections' questions, sentences)."""
        with unavailable_on_error(self.settings):
            return self.store._collection.count()

    def chunk_count(self) -> int:
        """How many chunks are indexed (not counting their small entries)."""
        return sum(1 for _ in self._rows([], where={"kind": "chunk"}))

    def manifest(self) -> dict[str, str]:
        """Indexed file -> the hash of the file's content when it was indexed."""
        rows = self._rows(["metadatas"], where={"kind": "chunk"})  # every file has a chunk
        return {str(m["path"]): str(m["file_hash"]) for _, _, m in rows}

    def chunks(self) -> list[Chunk]:
        """Every indexed chunk, in file and reading order."""
        # a chunk's sentences are in its own text: they are not read back
        rows = list(self._rows(["documents", "metadatas"], where={"kind": {"$ne": SENTENCE}}))
        asked: dict[str, list[tuple[int, str, str]]] = {}
        for _, text, meta in rows:
            if meta.get("kind") == QUESTION:
                entry = (int(str(meta["index"])), text, str(meta.get("anchor", "")))
                asked.setdefault(str(meta["parent"]), []).append(entry)
        chunks = (
            _chunk(cid, text, meta, sorted(asked.get(cid, [])))
            for cid, text, meta in rows
            if meta.get("kind") not in (QUESTION, SENTENCE)
        )
        return sorted(chunks, key=lambda c: (c.path, c.index))

    def delete_files(self, paths: Sequence[str]) -> None:
        """Remove every chunk of these files."""
        with unavailable_on_error(self.settings):
            for path in paths:
                self.store._collection.delete(where={"path": path})

    def add(
        self,
        chunks: Sequence[Chunk],
        file_hashes: dict[str, str],
        on_batch: Callable[[int], object] | None = None,
    ) -> None:
        """Embed and store chunks with their small entries, in batches of at most _BATCH
        entries (Chroma refuses larger ones); re-adding the same id is harmless.
        `on_batch` is told how many chunks each stored batch finished."""
        entries: list[_Entry] = []
        done = 0  # chunks whose entries are all in `entries`
        for chunk in chunks:
            entries += _entries(chunk, file_hashes[chunk.path])
            done += 1
            while len(entries) >= _BATCH:
                self._store_entries(entries[:_BATCH])
                entries = entries[_BATCH:]
                if on_batch is not None and done:
                    on_batch(done)
                    done = 0
        if entries:
            self._store_entries(entries)
        if on_batch is not None and done:
            on_batch(done)

    def _store_entries(self, entries: Sequence[_Entry]) -> None:
        """Embed the entries (a sentence with its heading: `framed_vectors`) and store them."""
        texts = [e.text for e in entries]
        vectors = _unit(self.embeddings.embed_documents(texts))
        framed = [i for i, e in enumerate(entries) if e.context]
        if framed:
            context = _unit(self.embeddings.embed_documents([entries[i].context for i in framed]))
            vectors[framed] = framed_vectors(vectors[framed], context)
        with unavailable_on_error(self.settings):
            self.store._collection.upsert(
                ids=[e.id for e in entries],
                embeddings=vectors,
                metadatas=[e.meta for e in entries],
                documents=texts,
            )

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(entry id, cosine similarity) of the k nearest entries: chunks, section
        questions (`question_id`) and sentences (`sentence_id`)."""
        vector = self.embeddings.embed_query(query)
        with unavailable_on_error(self.settings):
            # ids and distances only: the retriever holds the texts, so fetching each
            # hit's document and metadata (LangChain's search) would be wasted work
            found = self.store._collection.query(
                query_embeddings=np.asarray([vector], dtype=np.float32),
                n_results=k,
                include=["distances"],
            )
        ids, distances = found["ids"][0], (found.get("distances") or [[]])[0]
        return [(str(eid), 1.0 - float(d)) for eid, d in zip(ids, distances, strict=True)]


def open_index(settings: Settings, client: ClientAPI | None = None) -> ChunkIndex:
    """The index for these settings, with the configured embedding backend."""
    embeddings = load_embeddings(settings.embedding_backend, settings.embedding_model)
    return ChunkIndex(settings, client or connect(settings), embeddings)


class _Entry(NamedTuple):
    """One entry of the index: its id, text and metadata, and for a sentence the text
    that frames it in its section (see `framed_vectors`)."""

    id: str
    text: str
    meta: dict[str, str | int]
    context: str = ""


def _entries(chunk: Chunk, file_hash: str) -> list[_Entry]:
    """The chunk's own entry, then one small entry per question and per sentence,
    each pointing back to it."""
    meta = _metadata(chunk, file_hash)
    entries = [_Entry(chunk.id, chunk.text, meta)]
    anchors = chunk.anchors or ("",) * len(chunk.questions)
    for n, (question, anchor) in enumerate(zip(chunk.questions, anchors, strict=True)):
        asked: dict[str, str | int] = {"kind": QUESTION, "parent": chunk.id, "index": n}
        asked |= {"path": chunk.path, "file_hash": file_hash, "anchor": anchor}
        entries.append(_Entry(question_id(chunk.id, n), question, asked))
    for n, sentence in enumerate(sentences(chunk.body)):
        said: dict[str, str | int] = {"kind": SENTENCE, "parent": chunk.id, "index": n}
        said |= {"path": chunk.path, "file_hash": file_hash}
        framed = in_context(chunk, sentence)
        entries.append(_Entry(sentence_id(chunk.id, n), sentence, said, framed))
    return entries


def in_context(chunk: Chunk, sentence: str) -> str:
    """A sentence after the heading path of its section."""
    return f"{chunk.heading_path}: {sentence}"


def framed_vectors(
    bare: npt.NDArray[np.float32], framed: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Sentence entries' vectors: between each sentence's own (`bare`) and its embedding
    after its heading path (`framed`, see `in_context`), unit length.

    A sentence alone often leaves its subject to the heading ("Open from 7am to 9pm
    on weekdays." under "Bicycle storage"; "Permanent: it changes the weights." under
    "Fine-tuning"): embedded bare, it sits as near a question about any other subject.
    Embedded only in context, every sentence of a section sits near any question on the
    section's subject, and the one that answers no longer stands out. Between the two,
    on dev (sentence ranker refitted each time): all context 206 answers with the
    facts, BARE_SHARE 0.3 210, 0.5 209, 0.7 207, bare 205; the ranker's top sentence in
    5-fold cross-validation 175, 179, 175, 174, 169 of 229.
    """
    return _unit(BARE_SHARE * bare + (1 - BARE_SHARE) * framed)


def _unit(vectors: Any) -> npt.NDArray[np.float32]:
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return (array / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def _metadata(chunk: Chunk, file_hash: str) -> dict[str, str | int]:
    return {
        "path": chunk.path,
        "title": chunk.title,
        "section": chunk.section,
        "heading": chunk.heading,
        "heading_path": chunk.heading_path,
        "index": chunk.index,
        "file_hash": file_hash,
        "kind": "chunk",
    }


def _chunk(cid: str, text: str, meta: Any, asked: list[tuple[int, str, str]]) -> Chunk:
    return Chunk(
        id=cid,
        text=text,
        path=str(meta["path"]),
        title=str(meta["title"]),
        section=str(meta["section"]),
        heading=str(meta["heading"]),
        heading_path=str(meta["heading_path"]),
        index=int(meta["index"]),
        questions=tuple(q for _, q, _ in asked),
        anchors=tuple(a for _, _, a in asked),
    )
