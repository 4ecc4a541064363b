"""How retrieval scales with a team's documents: 1k, 10k and 50k chunks.

Run: `.venv/bin/python benchmarks/bench_scaling.py [--sizes 1000,10000,50000] [--json]`.

For each size it writes a reproducible team wiki (generated markdown with front
matter, sections, tables and sub-headings) next to the shipped guide, ingests
both into a fresh embedded Chroma index in a temporary folder, in a process of
its own as `advisor ingest` would (the ingest time, embedding model load not
included), then starts a fresh Python process as a worker would: it opens the index, loads
the retriever (the cold start a worker pays once, and again after a re-ingest),
answers the dev eval questions a few rounds warm (p50/p95 per answer) and
reports its resident memory (current and peak). The dev questions' fact hit
rate shows whether the team pages crowd out the guide. Nothing configured is
touched; every index lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rag import generate_corpus

from bot.rag.evaluation import (
    DEFAULT_QUESTIONS,
    EvalQuestion,
    percentile,
    read_questions,
    timed_answer,
)
from bot.rag.evaluation import score as score_results
from bot.settings import Settings

SIZES = (1_000, 10_000, 50_000)
CHUNKS_PER_DOCUMENT = 5.5  # what generate_corpus's documents chunk into, on average
TARGETS = {  # chunks -> (p95 ms, RSS MB) a worker must stay under
    10_000: (50.0, 400.0),
    50_000: (150.0, None),
}


def _settings(team_dir: Path, data_dir: Path) -> Settings:
    """The shipped guide plus one team folder, in a fresh embedded index (no LLM)."""
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    return base.model_copy(
        update={
            "knowledge_dir": None,
            "knowledge_dirs": [team_dir],
            "knowledge_shipped": True,
            "data_dir": data_dir,
            "chroma_path": None,
            "chroma_host": None,
            "llm_model": None,
        }
    )


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux /proc; else the peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def ingest(team: Path, data: Path) -> dict[str, Any]:
    """In a process of its own, as `advisor ingest`: index the guide and the team wiki."""
    from bot.rag.knowledge import KnowledgeBase

    knowledge = KnowledgeBase(_settings(team, data))
    _ = knowledge.index  # the embedding model and Chroma client: not part of ingest
    started = time.perf_counter()
    report = knowledge.ingest(progress=False)
    seconds = time.perf_counter() - started
    return {
        "documents": len(report.added),
        "entries": report.chunks,
        "chunks": sum(1 for _ in knowledge.index.chunks()),
        "ingest_seconds": round(seconds, 2),
        "errors": len(report.errors),
    }


def worker(team: Path, data: Path, rounds: int) -> dict[str, Any]:
    """In a fresh process: cold load, warm answers over the dev questions, memory."""
    from bot.rag.knowledge import KnowledgeBase

    before = rss_mb()
    started = time.perf_counter()
    knowledge = KnowledgeBase(_settings(team, data))
    knowledge.load()
    knowledge.answer("what does fine-tuning cost?")
    knowledge.settle()
    load_seconds = time.perf_counter() - started
    questions = [q for q in read_questions(DEFAULT_QUESTIONS.read_text().splitlines())]
    valid = [q for q in questions if isinstance(q, EvalQuestion)]
    results = [timed_answer(knowledge, q) for _ in range(rounds) for q in valid]
    latencies = sorted(r.latency_ms for r in results)
    figures = score_results(results[: len(valid)])
    return {
        "load_seconds": round(load_seconds, 2),
        "answers": len(results),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
        "rss_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_mb": round(before, 1),
        "facts": f"{figures.fact_hits}/{figures.on_topic}",
        "off_topic_abstained": f"{figures.off_topic_abstained}/{figures.off_topic}",
    }


def _run(mode: str, team: Path, data: Path, rounds: int = 1) -> dict[str, Any]:
    """This script in a fresh process (--ingest or --worker), its JSON line back."""
    command = [sys.executable, __file__, mode, str(team), str(data), "--rounds", str(rounds)]
    paths = [os.environ.get("PYTHONPATH", ""), str(Path(__file__).resolve().parents[1])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{mode[2:]} failed: {done.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench_size(chunks: int, rounds: int = 3) -> dict[str, Any]:
    """Ingest, then measure one worker, for a team wiki of about `chunks` chunks."""
    with tempfile.TemporaryDirectory(prefix="advisor-scaling-") as name:
        folder = Path(name)
        team = generate_corpus(folder / "wiki", max(1, round(chunks / CHUNKS_PER_DOCUMENT)))
        ingested = _run("--ingest", team, folder / "data")
        measured = _run("--worker", team, folder / "data", rounds)
    row = {"target_chunks": chunks, **ingested, **measured}
    row["targets"] = _check(row)
    return row


def _check(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets that apply to this size, passed or not (the nearest listed size)."""
    near = [size for size in TARGETS if 0.8 * size <= row["chunks"] <= 1.25 * size]
    checks = []
    for size in near:
        p95, rss = TARGETS[size]
        checks.append({"name": "p95_ms", "limit": p95, "passed": row["p95_ms"] < p95})
        if rss is not None:
            checks.append({"name": "peak_rss_mb", "limit": rss, "passed": row["peak_rss_mb"] < rss})
    return checks


def render(rows: list[dict[str, Any]]) -> str:
    """The results as a markdown table."""
    lines = [
        "| chunks | ingest s | worker load s | p50 ms | p95 ms | RSS MB (peak) | dev facts |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| ~{r['target_chunks']:,} | failed: {r['error'][:120]} |||||| ")
            continue
        failed = [c["name"] for c in r["targets"] if not c["passed"]]
        note = f" (missed: {', '.join(failed)})" if failed else ""
        lines.append(
            f"| {r['chunks']:,} | {r['ingest_seconds']} | {r['load_seconds']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['rss_mb']} ({r['peak_rss_mb']}) | {r['facts']}{note} |"
        )
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "").replace("k", "000")) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are chunk counts like 10k: {text!r}") from None
    if not sizes or any(not 1 <= s <= 200_000 for s in sizes):
        raise argparse.ArgumentTypeError("each size must be between 1 and 200000 chunks")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=list(SIZES), help="e.g. 1000,10k,50k")
    parser.add_argument("--rounds", type=int, default=3, help="answer rounds per worker")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--worker", nargs=2, metavar=("TEAM", "DATA"), help=argparse.SUPPRESS)
    parser.add_argument("--ingest", nargs=2, metavar=("TEAM", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rounds = max(1, min(args.rounds, 20))
    if args.ingest:
        print(json.dumps(ingest(Path(args.ingest[0]), Path(args.ingest[1]))))
        return 0
    if args.worker:
        print(json.dumps(worker(Path(args.worker[0]), Path(args.worker[1]), rounds)))
        return 0
    rows = []
    for size in args.sizes:
        print(f"bench_scaling: {size:,} chunks…", file=sys.stderr, flush=True)
        try:
            rows.append(bench_size(size, rounds))
        except Exception as exc:  # one line in the table, and the other sizes still run
            detail = " ".join(str(exc).split())[-300:] or type(exc).__name__
            rows.append({"target_chunks": size, "error": detail, "targets": []})
    print(json.dumps(rows, indent=2) if args.json else render(rows))
    failed = any("error" in r for r in rows)
    return 0 if not failed and all(c["passed"] for r in rows for c in r["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
