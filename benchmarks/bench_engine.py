"""Decisions per second of the engine over a varied, reproducible set of inputs.

Run: `.venv/bin/python benchmarks/bench_engine.py [--seconds 2] [--json]`.
`advisor bench` imports `bench_decisions`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from typing import Any

from bot.engine import DecisionInput, FailureCause, Task, decide

# The guide's five scenarios, so every kind of answer is in the set.
SCENARIOS: list[dict[str, Any]] = [
    {"task": "extraction", "success_rate": 0.6, "test_cases": 30, "prompt_iterations": 5,
     "failure_cause": "terminology", "labeled_examples": 300, "monthly_requests": 50_000},
    {"task": "classification", "success_rate": 0.75, "test_cases": 40, "prompt_iterations": 2,
     "labeled_examples": 300, "categories": 10},
    {"task": "generation", "success_rate": 0.5, "test_cases": 40, "prompt_iterations": 5,
     "failure_cause": "style", "labeled_examples": 500, "training_budget_usd": 2000},
    {"task": "summarization", "success_rate": 0.92, "test_cases": 50},
    {"task": "translation", "success_rate": 0.88, "test_cases": 50, "prompt_iterations": 4,
     "target_success_rate": 0.95, "failure_cause": "terminology",
     "systematic_failure_share": 0.12, "labeled_examples": 200, "monthly_requests": 100_000},
]  # fmt: skip


def varied_inputs(count: int = 500, seed: int = 7) -> list[DecisionInput]:
    """The scenarios, then random inputs: empty, partial and complete, with and without cost."""
    rng = random.Random(seed)
    randoms = [DecisionInput(**_random_slots(rng)) for _ in range(count - len(SCENARIOS))]
    return [DecisionInput(**slots) for slots in SCENARIOS] + randoms


def _maybe(rng: random.Random, value: Any, p: float = 0.7) -> Any:
    return value if rng.random() < p else None


def _random_slots(rng: random.Random) -> dict[str, Any]:
    return {
        "task": _maybe(rng, rng.choice(list(Task))),
        "success_rate": _maybe(rng, round(rng.random(), 2), 0.85),
        "test_cases": _maybe(rng, rng.choice([5, 9, 10, 20, 30, 50, 100])),
        "prompt_iterations": _maybe(rng, rng.randint(0, 8)),
        "target_success_rate": rng.choice([0.8, 0.8, 0.85, 0.9, 0.95]),
        "failure_cause": _maybe(rng, rng.choice(list(FailureCause)), 0.6),
        "systematic_failure_share": _maybe(rng, round(rng.random() * 0.4, 2), 0.3),
        "labeled_examples": _maybe(rng, rng.choice([20, 99, 100, 300, 500, 1000, 5000])),
        "categories": _maybe(rng, rng.randint(2, 20), 0.3),
        "monthly_requests": _maybe(rng, rng.choice([1_000, 50_000, 1_000_000]), 0.5),
        "tokens_per_request": _maybe(rng, rng.choice([300, 1000, 4000]), 0.4),
        "horizon_months": rng.choice([6, 12, 24, 36]),
        "training_budget_usd": _maybe(rng, rng.choice([500.0, 2000.0, 10000.0]), 0.3),
        "language": rng.choice(["en", "en", "en", "de", "ja", "zh", "ko"]),
    }


def bench_decisions(seconds: float = 2.0) -> dict[str, Any]:
    """Run `decide` over varied inputs for about `seconds`; rate and per-decision latency."""
    inputs = varied_inputs()
    approaches = Counter(decide(inp).approach.value for inp in inputs)  # also warms up
    timings: list[float] = []
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for inp in inputs:
            began = time.perf_counter()
            decide(inp)
            timings.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - start
    micros = sorted(t * 1e6 for t in timings)
    return {
        "decisions": len(timings),
        "seconds": round(elapsed, 3),
        "decisions_per_second": round(len(timings) / elapsed, 1),
        "latency_us_p50": round(statistics.median(micros), 1),
        "latency_us_p99": round(micros[int(len(micros) * 0.99) - 1], 1),
        "distinct_inputs": len(inputs),
        "approaches": dict(sorted(approaches.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = bench_decisions(args.seconds)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"decide(): {result['decisions_per_second']:,.0f} decisions/s over "
        f"{result['decisions']:,} decisions ({result['distinct_inputs']} distinct inputs, "
        f"{result['seconds']} s); p50 {result['latency_us_p50']} us, "
        f"p99 {result['latency_us_p99']} us"
    )
    print(f"approaches in the input set: {result['approaches']}")


if __name__ == "__main__":
    main()
