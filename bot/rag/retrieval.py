"""Hybrid retrieval: BM25 with stemming plus vector search, fused by reciprocal rank.

On Slack-style questions about the guide, static embeddings alone were weaker
than BM25; the fusion of both was the best offline combination. The question
is normalized first (shorthand, typos), and a relevance test decides whether
the knowledge base covers it at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.rag.bm25 import BM25
from bot.rag.chunking import Chunk
from bot.rag.lexicon import Lexicon
from bot.rag.query import NormalizedQuery
from bot.rag.relevance import Evidence, is_relevant
from bot.rag.text import terms

# (question text, k) -> [(chunk id, cosine similarity)], best first
VectorSearch = Callable[[str, int], list[tuple[str, float]]]

RRF_K = 5  # small: the top of each list matters most
BM25_WEIGHT = 1.0
VECTOR_WEIGHT = 0.5
CANDIDATES = 20
GENERAL_WEIGHT = 0.5  # weight of a question word that is not a topic word ("enough")


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the two scores behind it."""

    chunk: Chunk
    score: float
    bm25: float
    similarity: float


@dataclass(frozen=True)
class Retrieval:
    """What a question retrieved, and whether the knowledge base covers it."""

    question: str
    query: NormalizedQuery
    terms: tuple[str, ...]
    weights: dict[str, float]  # per term: topic words count fully, others less
    hits: list[Hit]
    evidence: Evidence

    @property
    def relevant(self) -> bool:
        """True when the hits answer the question rather than merely share a word."""
        return bool(self.hits) and is_relevant(self.evidence)


def chunk_terms(chunk: Chunk) -> list[str]:
    """Index terms of a chunk; its heading path counts twice (it says what it is about)."""
    return terms(chunk.text) + terms(chunk.heading_path)


class HybridRetriever:
    """BM25 over chunks in memory plus vector search through the index."""

    def __init__(self, chunks: Sequence[Chunk], vector_search: VectorSearch) -> None:
        self.chunks = list(chunks)
        self._by_id = {c.id: i for i, c in enumerate(self.chunks)}
        self._vector_search = vector_search
        self.bm25 = BM25([chunk_terms(c) for c in self.chunks])
        self.lexicon = Lexicon(
            texts=(c.text for c in self.chunks),
            headings={c.heading_path for c in self.chunks},
            index_terms=self.bm25.idf,
        )

    def retrieve(self, question: str, k: int) -> Retrieval:
        """The k best chunks for a question, best first."""
        reading = self.lexicon.read(question)
        query = reading.query
        query_terms = tuple(dict.fromkeys(terms(query.text)))
        weights = {t: 1.0 if t in self.lexicon.domain else GENERAL_WEIGHT for t in query_terms}
        lexical = self.bm25.top(query_terms, CANDIDATES, weights)
        vector = self._vectors(query.text) if self.chunks and query_terms else []
        hits = self._fuse(lexical, vector)[:k]
        evidence = Evidence(
            content_words=reading.content_words,
            known_words=reading.known_words,
            domain_words=reading.domain_words,
            top_bm25=max(self.bm25.scores(query_terms).values(), default=0.0),
            top_similarity=vector[0][1] if vector else 0.0,
        )
        return Retrieval(question, query, query_terms, weights, hits, evidence)

    def _vectors(self, text: str) -> list[tuple[int, float]]:
        found = self._vector_search(text, min(CANDIDATES, len(self.chunks)))
        return [(self._by_id[cid], sim) for cid, sim in found if cid in self._by_id]

    def _fuse(self, lexical: list[tuple[int, float]], vector: list[tuple[int, float]]) -> list[Hit]:
        """Reciprocal rank fusion of the two ranked lists."""
        fused: dict[int, float] = {}
        for weight, ranked in ((BM25_WEIGHT, lexical), (VECTOR_WEIGHT, vector)):
            for rank, (index, _) in enumerate(ranked):
                fused[index] = fused.get(index, 0.0) + weight / (RRF_K + rank + 1)
        bm25 = dict(lexical)
        similarity = dict(vector)
        order = sorted(fused, key=lambda i: (-fused[i], i))
        return [
            Hit(self.chunks[i], fused[i], bm25.get(i, 0.0), similarity.get(i, 0.0)) for i in order
        ]
