"""benchmarks/bench_turn.py: the CPU of one dialogue turn, in-process (no servers started)."""

from __future__ import annotations

from bench_all import worker_cpu_ms
from bench_turn import STEP_NAMES, bench_turns, render


def test_turn_benchmark_runs_the_load_script_and_reports_cpu_per_turn_and_step() -> None:
    result = bench_turns(conversations=2)

    assert result["turns"] == 2 * len(STEP_NAMES)
    assert list(result["cpu_ms_by_step"]) == list(STEP_NAMES)
    assert 0 < result["cpu_ms_p50"] <= result["cpu_ms_p95"]
    assert 0 < result["decide_cpu_ms"] < result["cpu_ms_mean"] * 10
    # the second conversation says "format", "whats lora" and "start over" again
    assert result["embedding_memory_hits"] > 0
    report = render(result)
    assert report.startswith("Turn CPU: mean ") and "categories -> recommendation" in report


def test_worker_cpu_is_shared_over_the_deliveries_of_workers_alive_throughout() -> None:
    before = {101: 1.0, 102: 2.0}
    after = {101: 1.5, 102: 2.25, 103: 9.0}  # 103 started during the run: not counted
    assert worker_cpu_ms(before, after, deliveries=100) == 7.5
    assert worker_cpu_ms(before, after, deliveries=0) == 0.0
