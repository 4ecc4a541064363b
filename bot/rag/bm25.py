"""A small Okapi BM25 index over analysed terms (see bot.rag.text.terms)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence


class BM25:
    """BM25 scores of term lists against a fixed collection of documents."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.size = len(documents)
        self._lengths = [len(doc) for doc in documents]
        self._avg_length = (sum(self._lengths) / self.size) if self.size else 0.0
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, doc in enumerate(documents):
            for term, count in Counter(doc).items():
                self._postings[term].append((index, count))
        self.idf = {term: self._idf(len(p)) for term, p in self._postings.items()}

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def __contains__(self, term: object) -> bool:
        return term in self._postings

    def document_frequency(self, term: str) -> int:
        """In how many documents a term occurs."""
        return len(self._postings.get(term, ()))

    def scores(
        self, query: Sequence[str], weights: Mapping[str, float] | None = None
    ) -> dict[int, float]:
        """Score of each document that shares a term with the query (others score 0).

        `weights` scale each query term's contribution (default 1).
        """
        out: dict[int, float] = defaultdict(float)
        for term in set(query):
            idf = self.idf.get(term)
            if idf is None:
                continue
            idf *= weights.get(term, 1.0) if weights else 1.0
            for index, tf in self._postings[term]:
                norm = self.k1 * (1 - self.b + self.b * self._lengths[index] / self._avg_length)
                out[index] += idf * tf * (self.k1 + 1) / (tf + norm)
        return dict(out)

    def top(
        self, query: Sequence[str], k: int, weights: Mapping[str, float] | None = None
    ) -> list[tuple[int, float]]:
        """The k best (document index, score) pairs, best first."""
        ranked = sorted(self.scores(query, weights).items(), key=lambda item: (-item[1], item[0]))
        return ranked[:k]
