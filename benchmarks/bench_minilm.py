"""MiniLM (onnxruntime) embedding benchmark: load time, query latency, batch throughput.

Run: `.venv/bin/python benchmarks/bench_minilm.py [--threads 1] [--json]`.
Targets on a 2-core machine: query p95 < 8 ms, 1,400 short texts < 6 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time

from bot.rag import minilm

_WORDS = (
    "prompt", "model", "tuning", "retrieval", "answer", "index", "cost", "latency", "budget",
    "label", "dataset", "evaluation", "accuracy", "team", "customer", "invoice", "contract",
    "support", "ticket", "summary", "policy", "document", "search", "query", "vector", "chunk",
    "language", "training", "example", "review", "error", "output", "format", "schema", "field",
    "extract", "classify", "route", "guard", "release", "version", "rollback", "monitor",
)  # fmt: skip


def sentences(count: int, low: int, high: int, seed: int) -> list[str]:
    """Random sentences of `low` to `high` words from the domain's vocabulary."""
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."
        for _ in range(count)
    ]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run(
    threads: int, workers: int | None, queries: int = 200, texts: int = 1400
) -> dict[str, float]:
    """Measure one fresh model with `threads` intra-op threads and `workers` parallel batches."""
    started = time.perf_counter()
    weights, tokenizer_json, config = minilm.read_model(minilm.model_zip_path())
    model = minilm.MiniLM(weights, tokenizer_json, config, threads=threads, workers=workers)
    load_s = time.perf_counter() - started
    del weights

    model.encode(["warm up"])
    timings = []
    for question in sentences(queries, 5, 15, seed=1):
        t0 = time.perf_counter()
        model.encode([question])
        timings.append((time.perf_counter() - t0) * 1000)

    corpus = sentences(texts, 10, 40, seed=2)
    t0 = time.perf_counter()
    model.encode(corpus)
    batch_s = time.perf_counter() - t0
    return {
        "threads": threads,
        "workers": workers or os.cpu_count() or 1,
        "load_s": round(load_s, 2),
        "query_p50_ms": round(statistics.median(timings), 2),
        "query_p95_ms": round(percentile(timings, 95), 2),
        "texts": texts,
        "texts_s": round(batch_s, 2),
        "texts_per_s": round(texts / batch_s, 1),
    }


def main() -> None:
    """Print the measurements, as text or JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=minilm.THREADS)
    parser.add_argument("--workers", type=int, default=None, help="parallel batches (CPU count)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.threads, args.workers)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"MiniLM on onnxruntime, {result['threads']} intra-op thread(s), "
        f"{result['workers']} parallel batch(es)"
    )
    print(f"  model load          {result['load_s']:.2f} s")
    print(f"  query p50 / p95     {result['query_p50_ms']:.2f} / {result['query_p95_ms']:.2f} ms")
    print(
        f"  {result['texts']} short texts  {result['texts_s']:.2f} s "
        f"({result['texts_per_s']:.0f} texts/s)"
    )


if __name__ == "__main__":
    main()
