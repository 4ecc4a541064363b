"""Knowledge-base benchmarks: answer latency and quality, and ingest time.

Run: `.venv/bin/python benchmarks/bench_rag.py [--corpus-size 1000] [--json]`.
`advisor bench` imports `bench_answers`, `bench_ingest` and `generate_corpus`.
Every run builds fresh embedded indexes in temporary folders, never touching
the configured index.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.rag.evaluation import (
    DEFAULT_QUESTIONS,
    EvalQuestion,
    percentile,
    read_questions,
    timed_answer,
)
from bot.rag.evaluation import score as score_results
from bot.rag.knowledge import KnowledgeBase
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHIPPED_KNOWLEDGE = REPO / "knowledge"

# Words for the synthetic corpus: the domain's own, so retrieval has real work to do.
_TOPICS = (
    "prompt engineering", "fine-tuning", "retrieval", "LoRA", "evaluation", "labeling",
    "inference cost", "hold-out sets", "few-shot prompts", "model versioning", "localization",
    "classification", "extraction", "summarization", "routing", "guardrails",
)  # fmt: skip
_WORDS = (
    "team", "model", "prompt", "dataset", "example", "budget", "latency", "token", "accuracy",
    "review", "release", "pipeline", "customer", "ticket", "invoice", "contract", "summary",
    "label", "annotator", "baseline", "metric", "regression", "version", "provider", "cloud",
    "local", "GPU", "hour", "week", "month", "quarter", "policy", "owner", "checklist",
)  # fmt: skip


def _settings(knowledge_dir: Path, data_dir: Path, base: Settings | None = None) -> Settings:
    """Settings for a fresh embedded index in data_dir (no server, no LLM)."""
    settings = base or Settings(_env_file=None)  # type: ignore[call-arg]
    return settings.model_copy(
        update={
            "knowledge_dir": knowledge_dir,
            "data_dir": data_dir,
            "chroma_path": None,
            "chroma_host": None,
            "llm_model": None,
        }
    )


def bench_answers(
    knowledge_dir: Path = SHIPPED_KNOWLEDGE, rounds: int = 3, base: Settings | None = None
) -> dict[str, Any]:
    """Warm answer latency over the eval set (several rounds), with its fact hit rate."""
    questions = [q for q in read_questions(DEFAULT_QUESTIONS.read_text().splitlines())]
    valid = [q for q in questions if isinstance(q, EvalQuestion)]
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as folder:
        knowledge = KnowledgeBase(_settings(knowledge_dir, Path(folder), base))
        knowledge.ingest(rebuild=True, progress=False)
        knowledge.answer("what does fine-tuning cost?")  # warm up
        knowledge.settle()
        results = [timed_answer(knowledge, q) for _ in range(rounds) for q in valid]
    latencies = sorted(r.latency_ms for r in results)
    figures = score_results(results[: len(valid)])
    return {
        "answers": len(results),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
        "answers_per_second": round(1000 / statistics.fmean(latencies), 1),
        "fact_hit_rate": round(figures.fact_hit_rate, 4),
        "abstention_rate": round(figures.abstention_rate, 4),
    }


def bench_ingest(
    corpus_dir: Path = SHIPPED_KNOWLEDGE, base: Settings | None = None
) -> dict[str, Any]:
    """Time to index a folder into a fresh index, then to re-run with nothing changed."""
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as folder:
        started = time.perf_counter()
        knowledge = KnowledgeBase(_settings(corpus_dir, Path(folder), base))
        _ = knowledge.index  # connect and load the embedding model
        opened = time.perf_counter()
        report = knowledge.ingest(progress=False)
        done = time.perf_counter()
        rerun = knowledge.ingest(progress=False)
    return {
        "corpus": str(corpus_dir),
        "files": len(report.added),
        "chunks": report.chunks,
        "open_seconds": round(opened - started, 3),
        "ingest_seconds": round(done - opened, 3),
        "total_seconds": round(done - started, 3),
        "chunks_per_second": round(report.chunks / max(done - opened, 1e-9), 1),
        "unchanged_rerun_seconds": round(rerun.seconds, 3),
        "errors": len(report.errors),
    }


def generate_corpus(directory: Path, n: int = 1000, seed: int = 11) -> Path:
    """Write n reproducible markdown documents (front matter, sections, FAQ, tables)."""
    rng = random.Random(seed)
    for number in range(n):
        folder = directory / f"team-{number // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"doc-{number:04d}.md").write_text(_document(rng, number), encoding="utf-8")
    return directory


def _document(rng: random.Random, number: int) -> str:
    topic = rng.choice(_TOPICS)
    sections = {
        f"s{number}-{i}": f"{topic.capitalize()} note {i}" for i in range(rng.randint(3, 6))
    }
    front = "\n".join(f'  {sid}: "{heading}"' for sid, heading in sections.items())
    parts = [f'---\ntitle: "Team {number} on {topic}"\nsections:\n{front}\n---\n']
    parts.append(f"# Team {number} on {topic}\n")
    for i, heading in enumerate(sections.values()):
        parts.append(f"## {heading}\n")
        parts.append(" ".join(_sentence(rng, topic) for _ in range(rng.randint(2, 6))) + "\n")
        if i == 1:
            parts.append(_table(rng))
        if i == 2:
            parts.append(f"### How do we measure {topic}?\n\n{_sentence(rng, topic)}\n")
    return "\n".join(parts)


def _sentence(rng: random.Random, topic: str) -> str:
    words = rng.sample(_WORDS, 8)
    figure = rng.choice(["10%", "80-90%", "$500", "3-5 iterations", "100 examples", "2 weeks"])
    return f"For {topic}, the {words[0]} {words[1]} needs {figure} of {' '.join(words[2:])}."


def _table(rng: random.Random) -> str:
    rows = "\n".join(
        f"| {rng.choice(_WORDS)} | {rng.randint(1, 99)}% | ${rng.randint(1, 50) * 100} |"
        for _ in range(rng.randint(3, 8))
    )
    return f"| Item | Share | Cost |\n|---|---|---|\n{rows}\n"


def main() -> None:
    """Print the knowledge-base benchmarks (human-readable, or --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-size", type=int, default=1000, help="synthetic documents")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "answers": bench_answers(),
        "ingest_shipped": bench_ingest(SHIPPED_KNOWLEDGE),
    }
    with tempfile.TemporaryDirectory(prefix="advisor-corpus-") as folder:
        corpus = generate_corpus(Path(folder), n=args.corpus_size)
        results["ingest_synthetic"] = bench_ingest(corpus)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, figures in results.items():
        print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
