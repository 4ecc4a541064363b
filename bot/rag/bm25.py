"""Okapi BM25 over analysed terms (see bot.rag.text.terms), as a sparse matrix in numpy.

The index is a term-by-document matrix in compressed sparse column form: for
each term, the documents that hold it and the BM25 weight of the term in each
(its "impact": term frequency saturated by k1 and normalised by length with b).
The impacts are computed once, so scoring a question is a handful of vector
additions, one per query term, instead of a Python loop over every posting:
at 50,000 chunks a question is scored in well under a millisecond.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

TIE_DECIMALS = 9  # scores that agree to this many decimals rank as equal (ties: by index)


class BM25:
    """BM25 scores of term lists against a fixed collection of documents."""

    def __init__(self, documents: Iterable[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        """`documents` may be a generator: each one's terms are needed only while it is read."""
        self.k1, self.b = k1, b
        vocabulary: dict[str, int] = {}
        # postings as they come, in compact arrays (not lists of int objects: at 50,000
        # chunks those alone held ~170 MB while the index was built)
        term_ids, doc_ids, counts = array("i"), array("i"), array("i")
        sizes = array("i")
        for index, doc in enumerate(documents):
            sizes.append(len(doc))
            for word, count in Counter(doc).items():
                term_ids.append(vocabulary.setdefault(word, len(vocabulary)))
                doc_ids.append(index)
                counts.append(count)
        self._vocabulary = vocabulary
        self.size = len(sizes)
        lengths = np.frombuffer(sizes, dtype=np.int32).astype(np.float64)
        by_term = np.frombuffer(term_ids, dtype=np.int32)
        order = np.argsort(by_term, kind="stable")  # by term, documents in order within
        self._docs: npt.NDArray[np.int32] = np.frombuffer(doc_ids, dtype=np.int32)[order]
        tf = np.frombuffer(counts, dtype=np.int32)[order].astype(np.float64)
        frequency = np.bincount(by_term, minlength=len(vocabulary))
        del term_ids, doc_ids, counts, order
        self._starts = np.concatenate(([0], np.cumsum(frequency))).astype(np.int64)
        average = float(lengths.mean()) if self.size else 0.0
        norm = k1 * (1 - b + b * lengths[self._docs] / average) if average else np.full_like(tf, k1)
        self._impacts: npt.NDArray[np.float64] = tf * (k1 + 1) / (tf + norm)
        self.idf = {word: self._idf(int(frequency[i])) for word, i in vocabulary.items()}

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def __contains__(self, term: object) -> bool:
        return term in self._vocabulary

    def document_frequency(self, term: str) -> int:
        """In how many documents a term occurs."""
        column = self._vocabulary.get(term)
        return 0 if column is None else int(self._starts[column + 1] - self._starts[column])

    def _score_array(
        self, query: Sequence[str], weights: Mapping[str, float] | None
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]:
        """Every document's score, and the documents that share a term with the query."""
        scores = np.zeros(self.size, dtype=np.float64)
        touched = np.zeros(self.size, dtype=np.bool_)
        for term in sorted(set(query)):
            column = self._vocabulary.get(term)
            if column is None:
                continue
            weight = self.idf[term] * (weights.get(term, 1.0) if weights else 1.0)
            span = slice(self._starts[column], self._starts[column + 1])
            docs = self._docs[span]
            scores[docs] += weight * self._impacts[span]  # a document occurs once per term
            touched[docs] = True
        return scores, np.flatnonzero(touched)

    def scores(
        self, query: Sequence[str], weights: Mapping[str, float] | None = None
    ) -> dict[int, float]:
        """Score of each document that shares a term with the query (others score 0).

        `weights` scale each query term's contribution (default 1).
        """
        scores, found = self._score_array(query, weights)
        return dict(zip(found.tolist(), scores[found].tolist(), strict=True))

    def best(self, query: Sequence[str], weights: Mapping[str, float] | None = None) -> float:
        """The highest score of any document (0 when no document shares a term)."""
        scores, found = self._score_array(query, weights)
        return float(scores[found].max()) if len(found) else 0.0

    def top(
        self, query: Sequence[str], k: int, weights: Mapping[str, float] | None = None
    ) -> list[tuple[int, float]]:
        """The k best (document index, score) pairs, best first (ties: lower index first)."""
        scores, found = self._score_array(query, weights)
        if k <= 0 or not len(found):
            return []
        values = scores[found]
        # scores equal but for rounding (sums taken in another order) are a tie
        ranks = np.round(values, TIE_DECIMALS)
        if len(found) > k:
            # the k-th best score; every document scoring at least that is a candidate,
            # so that ties at the cut are broken by index as a full sort would
            cut = np.partition(ranks, len(ranks) - k)[len(ranks) - k]
            keep = ranks >= cut
            found, values, ranks = found[keep], values[keep], ranks[keep]
        order = np.lexsort((found, -ranks))[:k]
        return list(zip(found[order].tolist(), values[order].tolist(), strict=True))
