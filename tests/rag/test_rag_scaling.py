"""Retrieval at a team's scale: the sparse BM25, reading a large index, the benchmark."""

from __future__ import annotations

import math
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rag_support import rag_settings

from bot.rag import index as index_module
from bot.rag.bm25 import BM25
from bot.rag.chunking import Chunk, chunk_document
from bot.rag.documents import parse_document
from bot.rag.ingest import gather_files
from bot.rag.knowledge import KnowledgeBase
from bot.rag.retrieval import HybridRetriever, chunk_terms
from bot.settings import shipped_knowledge_dir

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def reference_scores(
    documents: list[list[str]], query: list[str], weights: dict[str, float] | None = None
) -> dict[int, float]:
    """Okapi BM25 the textbook way, document by document (the oracle)."""
    k1, b = 1.2, 0.75
    average = sum(len(d) for d in documents) / len(documents)
    out: dict[int, float] = {}
    for index, doc in enumerate(documents):
        counts = Counter(doc)
        total, shared = 0.0, False
        for term in set(query):
            df = sum(1 for d in documents if term in d)
            if not counts[term]:
                continue
            shared = True
            idf = math.log(1 + (len(documents) - df + 0.5) / (df + 0.5))
            tf = counts[term]
            norm = k1 * (1 - b + b * len(doc) / average)
            total += idf * (weights or {}).get(term, 1.0) * tf * (k1 + 1) / (tf + norm)
        if shared:
            out[index] = total
    return out


WORDS = st.sampled_from(["prompt", "rag", "lora", "cost", "data", "label", "gpu", "week"])
DOCUMENTS = st.lists(st.lists(WORDS, min_size=1, max_size=12), min_size=1, max_size=30)


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    documents=DOCUMENTS, query=st.lists(WORDS | st.just("unknown"), max_size=5), k=st.integers(0, 8)
)
def test_sparse_bm25_scores_and_ranks_like_the_textbook(
    documents: list[list[str]], query: list[str], k: int
) -> None:
    weights = {term: 0.5 for term in query[:1]}
    index = BM25(documents)
    expected = reference_scores(documents, query, weights)
    found = index.scores(query, weights)
    assert found.keys() == expected.keys()
    assert all(math.isclose(found[i], expected[i], rel_tol=1e-9) for i in expected)
    # best first; equal scores by document order, as a full sort would give
    ranked = sorted(expected.items(), key=lambda item: (-round(item[1], 9), item[0]))[:k]
    top = index.top(query, k, weights)
    assert [i for i, _ in top] == [i for i, _ in ranked]
    assert math.isclose(
        index.best(query), max(reference_scores(documents, query).values(), default=0.0)
    )


def test_document_frequency_and_membership() -> None:
    index = BM25([["prompt", "cost"], ["prompt", "lora"], []])
    assert index.document_frequency("prompt") == 2
    assert index.document_frequency("lora") == 1
    assert index.document_frequency("gpu") == 0
    assert "lora" in index and "gpu" not in index
    assert index.idf["lora"] > index.idf["prompt"]  # the rarer term weighs more
    assert index.top(["gpu"], 3) == [] and index.best(["gpu"]) == 0.0


def test_an_empty_collection_scores_nothing() -> None:
    index = BM25([])
    assert index.scores(["prompt"]) == {} and index.top(["prompt"], 5) == []
    assert index.best(["prompt"]) == 0.0


def test_scoring_grows_gently_with_the_collection() -> None:
    """50,000 chunks: a question is scored in milliseconds, not a Python loop per posting."""
    vocabulary = [f"w{n}" for n in range(300)]  # common words: ~10,000 chunks each
    documents = [
        [vocabulary[(i * 7 + j * 13) % len(vocabulary)] for j in range(60)] for i in range(50_000)
    ]
    index = BM25(documents)
    query = ["w1", "w7", "w14", "w150", "w299"]
    started = time.perf_counter()
    for _ in range(20):
        index.top(query, 20)
        index.best(query)
    per_question_ms = (time.perf_counter() - started) / 20 * 1000
    assert per_question_ms < 10, per_question_ms  # a loop per posting took ~45 ms here


def shipped_chunks() -> list[Chunk]:
    """The shipped guide's chunks, with their section questions."""
    files = gather_files(shipped_knowledge_dir())
    return [c for path, text in files.items() for c in chunk_document(parse_document(path, text))]


def test_a_large_index_is_read_a_page_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More entries than one read may fetch (SQLite caps its variables): every chunk,
    every manifest line and every section question still come back."""
    knowledge = KnowledgeBase(rag_settings(shipped_knowledge_dir(), tmp_path / "data"))
    knowledge.ingest()
    whole = knowledge.index.chunks()
    manifest = knowledge.index.manifest()
    monkeypatch.setattr(index_module, "_PAGE", 3)
    assert knowledge.index.count() > 3 * 3
    assert knowledge.index.chunks() == whole
    assert knowledge.index.manifest() == manifest
    assert any(c.questions for c in whole)


def test_entries_are_stored_in_batches_chroma_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk brings its questions and sentences as entries of their own, so a batch of
    chunks can hold more entries than Chroma takes at once (about 5k): batches are cut
    by entries, and every entry still arrives."""
    monkeypatch.setattr(index_module, "_BATCH", 7)
    knowledge = KnowledgeBase(rag_settings(shipped_knowledge_dir(), tmp_path / "data"))
    sizes: list[int] = []
    store_entries = index_module.ChunkIndex._store_entries

    def recording(self: index_module.ChunkIndex, entries: list[object]) -> None:
        sizes.append(len(entries))
        store_entries(self, entries)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module.ChunkIndex, "_store_entries", recording)
    report = knowledge.ingest()
    assert max(sizes) <= 7 and len(sizes) > 10
    assert sum(sizes) == knowledge.index.count() > report.chunks == len(knowledge.index.chunks())
    assert not knowledge.answer("what does a fine-tuning run cost").abstained


def test_section_questions_point_at_their_chunks_in_a_large_wiki() -> None:
    """Many team chunks beside the guide's questions: each question still counts for a
    chunk of its own section (sections are grouped once, not searched per question)."""
    chunks = shipped_chunks()
    questioned = [c for c in chunks if c.questions]
    filler = [
        Chunk(
            id=f"wiki-{n}",
            text=f"Wiki page {n} about label budgets and gpu weeks.",
            path=f"wiki/page-{n // 10}.md",
            title="Wiki",
            section=f"s{n % 10}",
            heading="Notes",
            heading_path=f"Wiki > Notes {n}",
            index=n % 10,
        )
        for n in range(20_000)
    ]
    started = time.perf_counter()
    retriever = HybridRetriever(filler + chunks, lambda text, k: [])
    assert time.perf_counter() - started < 30
    for (position, _number), target in retriever._question_target.items():
        owner, held = retriever.chunks[position], retriever.chunks[target]
        assert (held.path, held.section) == (owner.path, owner.section)
    assert len(retriever._question_target) == sum(len(c.questions) for c in questioned)
    assert retriever.bm25.size == len(filler) + len(chunks)
    assert retriever.bm25.document_frequency("wiki") >= 20_000
    assert chunk_terms(filler[0])


def test_the_scaling_benchmark_reports_a_row_per_size(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_scaling
    finally:
        sys.path.remove(str(BENCHMARKS))
    row = bench_scaling.bench_size(120, rounds=1)
    assert row["chunks"] >= 120  # the team wiki plus the shipped guide
    assert row["ingest_seconds"] > 0 and row["load_seconds"] > 0
    assert 0 < row["p50_ms"] <= row["p95_ms"]
    assert 50 < row["rss_mb"] <= row["peak_rss_mb"]
    hits, asked = map(int, row["facts"].split("/"))
    assert asked > 0 and hits / asked > 0.8  # the wiki does not crowd out the guide
    table = bench_scaling.render([row])
    assert table.startswith("| chunks |") and f"{row['chunks']:,}" in table


def test_scores_equal_but_for_rounding_tie_by_document_order() -> None:
    # mathematically equal BM25 scores (average length 3) that float sums may not
    # give exactly equal: the earlier document comes first, as a full sort would give
    documents = [["prompt"]] * 7 + [["prompt"] * 3, ["prompt", "rag"], ["prompt"] * 4]
    documents += [["prompt"] * 5 + ["rag"] * 3, ["prompt"] * 12]
    index = BM25(documents)
    scores = index.scores(["rag"], {"rag": 0.5})
    assert math.isclose(scores[8], scores[10], rel_tol=1e-12)
    assert [i for i, _ in index.top(["rag"], 1, {"rag": 0.5})] == [8]
