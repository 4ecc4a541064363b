"""A running worker sees a re-ingested knowledge base without a restart.

Every answerer checks the index's fingerprint (collection id and content stamp)
at most every `refresh_seconds`, and reloads its chunks and BM25 side when it
changed: two in-process answerers on one Chroma folder, two on one Chroma
server, and two real worker processes with an ingest run from a third.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import cast

import pytest
from hand_clock import Clock
from rag_support import rag_settings

from bot.core.ports import KnowledgeUnavailable
from bot.rag import knowledge as knowledge_module
from bot.rag.knowledge import KnowledgeBase
from bot.rag.retrieval import HybridRetriever
from bot.settings import Settings

QUESTION = "how much does ft cost"
OLD, NEW = "$500-$5000+", "$700-$7000+"
REPO = Path(__file__).resolve().parents[2]


def reprice(docs: Path) -> None:
    """What a team does: edit a page, then run `advisor ingest`."""
    page = docs / "fine-tuning.md"
    page.write_text(page.read_text().replace(OLD, NEW))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(knowledge_module.time, "monotonic", clock)
    return clock


def test_a_worker_sees_another_workers_ingest_after_the_refresh_interval(
    settings: Settings, docs: Path, clock: Clock
) -> None:
    worker = KnowledgeBase(settings, refresh_seconds=30, background=False)
    assert OLD in worker.answer(QUESTION).answer

    reprice(docs)
    report = KnowledgeBase(settings).ingest()  # `advisor ingest` next to the worker
    assert report.changed == ["fine-tuning.md"]

    clock.now += 10  # within the interval the worker has not looked yet
    assert OLD in worker.answer(QUESTION).answer
    clock.now += 21
    answer = worker.answer(QUESTION)
    assert NEW in answer.answer and OLD not in answer.answer
    assert all(NEW in s.text for s in answer.sources if "cost" in s.text.lower())


def test_the_fingerprint_is_read_at_most_once_per_interval(
    settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = KnowledgeBase(settings, refresh_seconds=30, background=False)
    worker.load()
    looks: list[str] = []
    original = worker.index.fingerprint

    def counted() -> str:
        looks.append("look")
        return original()

    monkeypatch.setattr(worker.index, "fingerprint", counted)
    loaded = worker.load()
    for _ in range(20):
        worker.answer(QUESTION)
        clock.now += 1
    assert len(looks) == 0
    clock.now += 10  # 30 s since loading: one look, nothing changed, nothing reloaded
    worker.answer(QUESTION)
    worker.answer(QUESTION)
    assert len(looks) == 1
    assert worker.load() is loaded


def test_an_unchanged_reingest_reloads_nothing(settings: Settings) -> None:
    worker = KnowledgeBase(settings, refresh_seconds=0, background=False)
    loaded = worker.load()
    stamp = worker.index.fingerprint()
    assert KnowledgeBase(settings).ingest().embedded == 0
    assert worker.index.fingerprint() == stamp
    assert worker.load() is loaded


def test_a_rebuilt_index_is_picked_up_too(settings: Settings, docs: Path) -> None:
    """`advisor ingest --rebuild` replaces the collection: the worker finds the new one."""
    worker = KnowledgeBase(settings, refresh_seconds=0, background=False)
    assert OLD in worker.answer(QUESTION).answer
    reprice(docs)
    assert KnowledgeBase(settings).ingest(rebuild=True).rebuilt
    answer = worker.answer(QUESTION)
    assert not answer.abstained and NEW in answer.answer


def test_a_failed_look_keeps_answering_from_what_is_loaded(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    worker = KnowledgeBase(settings, refresh_seconds=0, background=False)
    loaded = worker.load()

    def unreachable() -> str:
        raise KnowledgeUnavailable("The knowledge base is unavailable: test.")

    monkeypatch.setattr(worker.index, "fingerprint", unreachable)
    assert OLD in worker.answer(QUESTION).answer
    assert worker.load() is loaded
    assert "not reloaded" in caplog.text


def test_the_reload_runs_beside_the_questions(
    settings: Settings, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By default the question that notices a re-ingest does not wait for the reload
    (seconds at 50,000 chunks): it and the next ones are answered from what is loaded,
    and the new content follows once the reload is done."""
    worker = KnowledgeBase(settings, refresh_seconds=0)
    loaded = worker.load()
    reprice(docs)
    KnowledgeBase(settings).ingest()
    slow_reload, build = threading.Event(), worker._build

    def slow_build(fingerprint: str) -> HybridRetriever:
        assert slow_reload.wait(20)
        return build(fingerprint)

    monkeypatch.setattr(worker, "_build", slow_build)
    for _ in range(3):  # the reload is still running: the old answer, no waiting
        assert OLD in worker.answer(QUESTION).answer
    slow_reload.set()
    started = time.monotonic()
    while worker.load() is loaded and time.monotonic() - started < 20:
        time.sleep(0.05)
    assert NEW in worker.answer(QUESTION).answer


@pytest.mark.chroma_server
def test_two_workers_on_a_chroma_server_give_the_same_new_answer(
    chroma_server: tuple[str, int], docs: Path, tmp_path: Path
) -> None:
    host, port = chroma_server

    def on_server(data: str) -> Settings:
        return rag_settings(
            docs, tmp_path / data, chroma_host=host, chroma_port=port, chroma_collection="reingest"
        )

    KnowledgeBase(on_server("admin")).ingest(rebuild=True)
    workers = [
        KnowledgeBase(on_server(f"w{n}"), refresh_seconds=0, background=False) for n in range(2)
    ]
    assert all(OLD in w.answer(QUESTION).answer for w in workers)
    reprice(docs)
    KnowledgeBase(on_server("admin")).ingest()
    answers = [w.answer(QUESTION) for w in workers]
    assert all(NEW in a.answer for a in answers)
    assert answers[0].answer == answers[1].answer


@pytest.mark.chroma_server
def test_a_rebuild_on_the_server_never_leaves_a_worker_without_its_collection(
    chroma_server: tuple[str, int], docs: Path, tmp_path: Path
) -> None:
    """`advisor ingest --rebuild` deletes and recreates the collection: a worker that has
    not looked yet finds the new one at its next question instead of failing."""
    host, port = chroma_server
    remote = rag_settings(
        docs, tmp_path / "data", chroma_host=host, chroma_port=port, chroma_collection="rebuilt"
    )
    KnowledgeBase(remote).ingest(rebuild=True)
    worker = KnowledgeBase(remote, refresh_seconds=3600, background=False)
    assert OLD in worker.answer(QUESTION).answer
    reprice(docs)
    KnowledgeBase(remote).ingest(rebuild=True)
    assert not worker.answer(QUESTION).abstained  # vectors from the new collection
    assert NEW in worker.answer(QUESTION).answer  # and the look it prompted reloaded BM25


WORKER = """
import json, sys
from rag_support import rag_settings
from pathlib import Path
from bot.rag.knowledge import KnowledgeBase
from bot.rag.retrieval import HybridRetriever
settings = rag_settings(Path(sys.argv[1]), Path(sys.argv[2]))
knowledge = KnowledgeBase(settings, refresh_seconds=float(sys.argv[3]))
for line in sys.stdin:
    answer = knowledge.answer(line.strip())
    # the vector side too: how similar each retrieved chunk is (0: vector search missed it)
    hits = [(h.chunk.text, h.similarity) for h in knowledge.retrieve(line.strip()).hits]
    reply = {"answer": answer.answer, "sources": [s.text for s in answer.sources], "hits": hits}
    print(json.dumps(reply), flush=True)
"""


def test_worker_processes_see_an_ingest_from_another_process_within_the_interval(
    settings: Settings, docs: Path, tmp_path: Path
) -> None:
    """Two worker processes on one embedded index; `advisor ingest` runs in a third. Each
    worker answers with the new figure within its interval (2 s here, 30 s by default)."""
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{Path(__file__).parent}"}
    KnowledgeBase(settings).ingest()
    data = str(settings.data_dir)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(docs), data, "2"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]

    def ask(worker: subprocess.Popen[str]) -> dict[str, object]:
        assert worker.stdin is not None and worker.stdout is not None
        worker.stdin.write(QUESTION + "\n")
        worker.stdin.flush()
        reply: dict[str, object] = json.loads(worker.stdout.readline())
        return reply

    try:
        assert all(OLD in str(ask(w)["answer"]) for w in workers)
        reprice(docs)
        ingest = [sys.executable, "-m", "bot", "ingest"]
        mine = ("CHROMA_", "KNOWLEDGE_", "EMBEDDING_", "LLM_", "DATA_DIR")
        ingest_env = {k: v for k, v in env.items() if not k.upper().startswith(mine)} | {
            "KNOWLEDGE_DIR": str(docs),
            "DATA_DIR": data,
            "CHROMA_COLLECTION": settings.chroma_collection,
            "EMBEDDING_BACKEND": "wordllama",
        }
        done = subprocess.run(ingest, env=ingest_env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        changed = time.monotonic()
        replies: list[dict[str, object]] = []
        while time.monotonic() - changed < 20:
            replies = [ask(w) for w in workers]
            if all(NEW in str(r["answer"]) for r in replies):
                break
            time.sleep(0.5)
        assert all(NEW in str(r["answer"]) for r in replies), replies
        for reply in replies:  # found by meaning as well as by words: the vectors are fresh
            hits = cast(list[tuple[str, float]], reply["hits"])
            assert any(NEW in text and similarity > 0 for text, similarity in hits), hits
        assert time.monotonic() - changed < 10
        assert replies[0] == replies[1]  # same answer, same sources, from both workers
    finally:
        for worker in workers:
            worker.kill()
            worker.wait(timeout=10)


def test_while_another_process_rebuilds_bm25_answers_alone(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mid-rebuild the collection is gone or half built: the question is answered from
    the words alone rather than "unavailable"; any other Chroma failure still says so."""
    worker = KnowledgeBase(settings, background=False)
    worker.load()
    failure = "cannot use the local index (Error creating hnsw segment reader: Nothing found)"

    def rebuilding(text: str, k: int) -> list[tuple[str, float]]:
        raise KnowledgeUnavailable(f"The knowledge base is unavailable: {failure}.")

    monkeypatch.setattr(worker.index, "search", rebuilding)
    answer = worker.answer(QUESTION)
    assert not answer.abstained and OLD in answer.answer
    failure = "cannot use the Chroma server at 127.0.0.1:9 (connection refused)"
    with pytest.raises(KnowledgeUnavailable):
        worker.answer(QUESTION)
