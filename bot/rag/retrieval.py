"""Hybrid retrieval: BM25 with stemming plus vector search, fused by reciprocal rank.

On Slack-style questions about the guide, static embeddings alone were weaker
than BM25; the fusion of both was the best offline combination. Each section
also lists the questions it answers (front matter): they are searched as small
entries of their own, by BM25 and by vectors, and a hit on a question counts
for its parent chunk (the multi-vector retriever pattern: search small, return
the parent). The question is normalized first (shorthand, typos), and a
relevance test decides whether the knowledge base covers it at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from bot.rag.bm25 import BM25
from bot.rag.chunking import Chunk
from bot.rag.index_ids import is_sentence, parent_id, question_number, sentence_number
from bot.rag.lexicon import Lexicon
from bot.rag.query import NormalizedQuery
from bot.rag.relevance import Calibration, Evidence, is_relevant, is_weak_match
from bot.rag.text import STOPWORDS, folded, terms, words

# (question text, k) -> [(chunk id, cosine similarity)], best first
VectorSearch = Callable[[str, int], list[tuple[str, float]]]


class VectorsSkipped(Exception):
    """Raised when vectors cannot be used just now: the index is being rebuilt, or it holds
    entries newer than the loaded chunks (a re-ingest not yet reloaded). The question is
    answered by BM25 alone, judged as the BM25-only retriever judges."""


RRF_K = 5  # small: the top of each list matters most
BM25_WEIGHT = 1.0
VECTOR_WEIGHT = 0.8
CANDIDATES = 20
GENERAL_WEIGHT = 0.5  # weight of a question word that is not a topic word ("enough")
QUESTION_WEIGHT = 0.5  # RRF weight of the section-questions BM25 list
QUESTION_MIN_SHARE = 0.5  # share of the question's weight a section question must share
# A chunk is as near as its nearest sentence, discounted: a short text sits closer to
# any question than a whole chunk does.
SENTENCE_WEIGHT = 0.95
# The parts of the hybrid, all on by default; ablations switch some off.
PARTS = frozenset({"bm25", "vectors", "questions", "sentences"})


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the two scores behind it."""

    chunk: Chunk
    score: float
    bm25: float
    similarity: float
    asked: float = 0.0  # share of the question held by its best section question, 0 if none
    asked_similarity: float = 0.0  # best cosine similarity of one of its questions
    anchor: str = ""  # the matched question's answer snippet, if it names one
    anchor_match: float = 0.0  # how closely that question matched (word share or similarity)
    # What the vector search saw of this chunk, for the sentence ranker: each sentence's
    # similarity by position, the chunk's own text's, and each anchored question's
    # (answer snippet, similarity). Entries the search did not return are absent.
    said: tuple[tuple[int, float], ...] = ()
    own_similarity: float | None = None
    anchored: tuple[tuple[str, float], ...] = ()
    floor: float = 0.0  # the farthest returned entry's similarity: an absent one is below it

    @property
    def by_question(self) -> bool:
        """True when one of its section's questions matched (search small, return parent)."""
        nearest_is_question = self.asked_similarity > 0 and self.asked_similarity >= self.similarity
        return self.asked > 0 or nearest_is_question


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

    @property
    def weak(self) -> bool:
        """True when the best hits are only the closest match, not a sure answer."""
        return bool(self.hits) and is_weak_match(self.evidence)


@dataclass
class _Seen:
    """What one vector search returned, per chunk index (see `Hit.said`)."""

    floor: float = 0.0
    said: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    own: dict[int, float] = field(default_factory=dict)
    anchored: dict[int, list[tuple[str, float]]] = field(default_factory=dict)

    def on(self, hit: Hit, index: int) -> Hit:
        """The hit with what the search saw of its chunk."""
        return replace(
            hit,
            said=tuple(self.said.get(index, ())),
            own_similarity=self.own.get(index),
            anchored=tuple(self.anchored.get(index, ())),
            floor=self.floor,
        )


def chunk_terms(chunk: Chunk) -> list[str]:
    """Index terms of a chunk; its heading path counts twice (it says what it is about)."""
    return terms(chunk.text) + terms(chunk.heading_path)


class HybridRetriever:
    """BM25 over chunks in memory plus vector search through the index."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        vector_search: VectorSearch,
        parts: frozenset[str] = PARTS,
        calibration: Calibration | None = None,
    ) -> None:
        self.chunks = list(chunks)
        self.calibration = calibration or Calibration()  # the embedding's similarity bars
        self.parts = parts
        self._by_id = {c.id: i for i, c in enumerate(self.chunks)}
        self._vector_search = vector_search
        self.bm25 = BM25(chunk_terms(c) for c in self.chunks)  # one chunk's terms at a time
        # (chunk, question number, question): an anchored question belongs to the chunk
        # holding its answer sentence (a long section is several chunks)
        targets = self._question_targets()
        asked = [
            (targets[(i, n)], self._anchor_of(i, n), q)
            for i, c in enumerate(self.chunks)
            for n, q in enumerate(c.questions)
        ]
        if "questions" not in parts:
            asked = []
        self._question_target = targets
        self.lexicon = Lexicon(
            texts=[c.text for c in self.chunks] + [q for _, _, q in asked],
            headings={c.heading_path for c in self.chunks},
            # the words the guide knows: its text and its plain questions (how people name
            # its topics); the many answer-naming questions would teach it everyday words
            # and let off-topic questions pass as covered (test off-topic 27 -> 26 of 28)
            index_terms=set(self.bm25.idf) | {t for _, a, q in asked if not a for t in terms(q)},
        )
        # Section questions are read like a user's question (shorthand, synonyms), so
        # "custom training" in one and "fine-tuning" in the other still meet.
        self._asked_parent = [i for i, _, _ in asked]
        self._asked_anchor = [anchor for _, anchor, _ in asked]
        asked_texts = [q for _, _, q in asked]
        self._asked_terms = [frozenset(terms(self.lexicon.read(q).query.text)) for q in asked_texts]
        self.asked = BM25([sorted(t) for t in self._asked_terms])

    def _question_targets(self) -> dict[tuple[int, int], int]:
        """(chunk, question number) -> the chunk a hit on that question counts for: the
        chunk of its section that holds its answer snippet, else the section's first."""
        targets: dict[tuple[int, int], int] = {}
        sections: dict[tuple[str, str], list[int]] = {}
        for j, other in enumerate(self.chunks):  # one pass: a wiki has many chunks
            sections.setdefault((other.path, other.section), []).append(j)
        for i, chunk in enumerate(self.chunks):
            siblings = sections[(chunk.path, chunk.section)] if chunk.questions else []
            for n in range(len(chunk.questions)):
                snippet = folded(chunk.anchors[n]) if n < len(chunk.anchors) else ""
                holders = [
                    j for j in siblings if snippet and snippet in folded(self.chunks[j].body)
                ]
                targets[(i, n)] = holders[0] if holders else i
        return targets

    def retrieve(self, question: str, k: int) -> Retrieval:
        """The k best chunks for a question, best first."""
        reading = self.lexicon.read(question)
        query = reading.query
        query_terms = tuple(dict.fromkeys(terms(query.text)))
        weights = {t: 1.0 if t in self.lexicon.domain else GENERAL_WEIGHT for t in query_terms}
        lexical = self.bm25.top(query_terms, CANDIDATES, weights) if "bm25" in self.parts else []
        asked = self._asked(query.text, weights)
        has_vectors = "vectors" in self.parts
        vector: list[tuple[int, float]] = []
        asked_similarity: dict[int, tuple[float, str]] = {}
        own = said = 0.0
        seen = _Seen()
        if has_vectors and self.chunks and query_terms:
            try:
                vector, asked_similarity, own, said, seen = self._vectors(query.text)
            except VectorsSkipped:
                has_vectors = False
        hits = [
            seen.on(hit, self._by_id[hit.chunk.id])
            for hit in self._fuse(lexical, asked, vector, asked_similarity)[:k]
        ]
        evidence = Evidence(
            content_words=reading.content_words,
            known_words=reading.known_words,
            domain_words=reading.domain_words,
            top_bm25=self.bm25.best(query_terms),
            top_similarity=own,
            top_sentence_similarity=said,
            top_question_similarity=max((s for s, _ in asked_similarity.values()), default=0.0),
            top_question_share=asked[0][1] if asked else 0.0,
            has_vectors=has_vectors,
            specific_words=reading.specific_words,
            calibration=self.calibration,
        )
        return Retrieval(question, query, query_terms, weights, hits, evidence)

    def _asked(self, text: str, weights: dict[str, float]) -> list[tuple[int, float, str]]:
        """Chunks ranked by their best-matching section question, best first: by the
        share of the question's words (weighted by IDF and topic) that it holds, with
        that question's answer snippet ("" when it has none)."""
        value = self._word_values(text, weights)
        total = sum(v for _, v in value) or 1.0
        flat = [t for word, _ in value for t in word]
        best: dict[int, tuple[float, float]] = {}  # chunk -> (share, BM25) of its best
        anchor: dict[int, str] = {}  # ... and that question's answer snippet
        for entry, found in self.asked.top(flat, 4 * CANDIDATES, weights):
            held = self._asked_terms[entry]
            share = sum(v for word, v in value if word & held) / total
            if share < QUESTION_MIN_SHARE:
                continue  # one common word ("model") in common is not the same question
            parent = self._asked_parent[entry]
            if (share, found) > best.get(parent, (0.0, 0.0)):
                best[parent], anchor[parent] = (share, found), self._asked_anchor[entry]
        # by share, then by BM25: of two questions holding every word, the closer one
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
        return [(index, share, anchor[index]) for index, (share, _) in ranked[:CANDIDATES]]

    def _word_values(
        self, text: str, weights: dict[str, float]
    ) -> list[tuple[frozenset[str], float]]:
        """Each content word of the question as its terms and one weight: "fine-tuning"
        is one word however many terms it yields; an unknown word weighs the most."""
        out: dict[frozenset[str], float] = {}
        for word in words(text):
            found = frozenset(terms(word))
            if word in STOPWORDS or not found:
                continue
            idf = max(self.asked.idf.get(t, self._unknown_idf) for t in found)
            out[found] = idf * max(weights.get(t, GENERAL_WEIGHT) for t in found)
        return list(out.items())

    @property
    def _unknown_idf(self) -> float:
        """The weight of a question word no section question has: the rarest word's."""
        return max(self.asked.idf.values(), default=1.0)

    def _vectors(
        self, text: str
    ) -> tuple[list[tuple[int, float]], dict[int, tuple[float, str]], float, float, _Seen]:
        """Chunks ranked by their nearest entry (the chunk, one of its questions or one of
        its sentences), each chunk's best question (similarity, answer snippet), and the
        best similarity of a chunk's own text (short questions score high on anything:
        relevance uses it), the best similarity of a sentence, and what was seen of each
        chunk (for the sentence ranker)."""
        found = self._vector_search(text, min(12 * CANDIDATES, 12 * len(self.chunks)))
        best: dict[int, float] = {}
        by_question: dict[int, tuple[float, str]] = {}
        own = said = 0.0
        seen = _Seen(floor=min((sim for _, sim in found), default=0.0))
        for entry, sim in found:
            cid, is_question = parent_id(entry)
            if cid not in self._by_id:
                # Indexed after this retriever was loaded (a re-ingest it will reload for):
                # vectors of the new text beside BM25 of the old would rank neither right.
                raise VectorsSkipped(f"entry {entry} is newer than the loaded chunks")
            if is_question and "questions" not in self.parts:
                continue
            if is_sentence(entry):
                if "sentences" in self.parts:
                    index = self._by_id[cid]
                    best[index] = max(best.get(index, -1.0), SENTENCE_WEIGHT * sim)
                    said = max(said, sim)
                    position = sentence_number(entry)
                    if position is not None:
                        seen.said.setdefault(index, []).append((position, sim))
                continue
            index = self._by_id[cid]
            number, anchor = question_number(entry), ""
            if is_question and number is not None:
                anchor = self._anchor_of(index, number)
                index = self._question_target.get((index, number), index)
            best[index] = max(best.get(index, -1.0), sim)
            if is_question:
                if sim > by_question.get(index, (-1.0, ""))[0]:
                    by_question[index] = (sim, anchor)
                if anchor:
                    seen.anchored.setdefault(index, []).append((anchor, sim))
            else:
                own = max(own, sim)
                seen.own[index] = sim
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:CANDIDATES]
        return ranked, by_question, own, said, seen

    def _anchor_of(self, index: int, number: int | None) -> str:
        anchors = self.chunks[index].anchors
        return anchors[number] if number is not None and number < len(anchors) else ""

    def _fuse(
        self,
        lexical: list[tuple[int, float]],
        asked: list[tuple[int, float, str]],
        vector: list[tuple[int, float]],
        asked_similarity: dict[int, tuple[float, str]],
    ) -> list[Hit]:
        """Reciprocal rank fusion of the ranked lists."""
        fused: dict[int, float] = {}
        shares = [(index, share) for index, share, _ in asked]
        lists = ((BM25_WEIGHT, lexical), (QUESTION_WEIGHT, shares), (VECTOR_WEIGHT, vector))
        for weight, ranked in lists:
            for rank, (index, found) in enumerate(ranked):
                # a section question counts as much of a vote as it shares of the question
                vote = weight * (found if ranked is shares else 1.0)
                fused[index] = fused.get(index, 0.0) + vote / (RRF_K + rank + 1)
        bm25, similarity = dict(lexical), dict(vector)
        by_question = {index: (share, anchor) for index, share, anchor in asked}
        order = sorted(fused, key=lambda i: (-fused[i], i))
        hits = []
        for i in order:
            share, anchor = by_question.get(i, (0.0, ""))
            asked_sim, vector_anchor = asked_similarity.get(i, (0.0, ""))
            hit = Hit(
                self.chunks[i],
                fused[i],
                bm25.get(i, 0.0),
                similarity.get(i, 0.0),
                share,
                max(asked_sim, 0.0),
            )
            # the matched question's answer: by its words first, else by its meaning
            match = share
            if not anchor and hit.by_question and asked_sim >= hit.similarity:
                anchor, match = vector_anchor, asked_sim
            hits.append(replace(hit, anchor=anchor, anchor_match=match) if anchor else hit)
        return hits
