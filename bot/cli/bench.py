"""`advisor bench`: what this machine does under load, with the targets marked pass or fail.

It starts what it needs and cleans up after itself: a fake Slack Web API, the
Procfile's gunicorn workers, a Chroma server, PostgreSQL from DATABASE_URL in a
temporary schema (else SQLite). Then it measures ack and event-to-reply latency
under load, answer latency, decisions per second, a worker's peak memory, and
ingest time for the shipped knowledge base and a generated corpus.

The benchmarks live in the checkout's benchmarks/ folder (benchmarks/bench_all.py);
this command finds them next to the installed package. Exit 1 when the load run
lost, duplicated or mixed a reply; a missed latency target only shows as "fail".
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli import UsageError
from bot.settings import Settings

HELP = "measure this machine: load on 2 workers, answers, decisions/s, memory, ingest"
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
_LIMITS = {"seconds": (1, 600), "rate": (1, 500), "conversations": (1, 5000)}
_LIMITS |= {"corpus_size": (1, 20000)}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--seconds, --rate, --conversations, --corpus-size, --json."""
    parser.add_argument("--seconds", type=float, default=30.0, help="load duration (default 30)")
    parser.add_argument("--rate", type=float, default=50.0, help="events per second (default 50)")
    parser.add_argument(
        "--conversations", type=int, default=200, help="concurrent conversations (default 200)"
    )
    parser.add_argument(
        "--corpus-size", type=int, default=1000, help="generated documents to ingest (default 1000)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run every benchmark and print the results; 1 if a reply was lost or mixed."""
    suite = _suite()
    options = suite.SuiteOptions(
        seconds=_bounded(args, "seconds"),
        rate=_bounded(args, "rate"),
        conversations=int(_bounded(args, "conversations")),
        corpus_size=int(_bounded(args, "corpus_size")),
    )
    try:
        results = suite.run_suite(settings, options, progress=_progress)
    except Exception as exc:  # a service that would not start: one line, not a traceback
        print(f"advisor bench: {type(exc).__name__}: {_first_line(exc)}", file=sys.stderr)
        return 1
    print(json.dumps(results, indent=2) if args.json else render(results))
    return 0 if results["load"]["ok"] else 1


def _suite() -> Any:
    """benchmarks/bench_all.py from the checkout this package was installed from."""
    if not (BENCHMARKS / "bench_all.py").is_file():
        raise UsageError(f"needs the source checkout's benchmarks/ folder ({BENCHMARKS})")
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module("bench_all")


def _bounded(args: argparse.Namespace, name: str) -> float:
    value = float(getattr(args, name))
    low, high = _LIMITS[name]
    if not low <= value <= high:
        flag = "--" + name.replace("_", "-")
        raise UsageError(f"{flag} must be between {low} and {high}, not {value:g}")
    return value


def _progress(message: str) -> None:
    print(f"advisor bench: {message}…", file=sys.stderr, flush=True)


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else "no details"


def render(results: dict[str, Any]) -> str:
    """The results as a short report: the figures, then the targets with pass/fail."""
    load, machine = results["load"], results["machine"]
    deployment = results["deployment"]
    lines = [
        f"Advisor benchmarks, {machine['date']}: {machine['cpus']} CPUs ({machine['cpu']}), "
        f"Python {machine['python']}",
        f"Deployment: {deployment['workers']} gunicorn workers, {deployment['database']}, "
        f"Chroma: {deployment['chroma']}",
        "",
        f"Load: {load['conversations']} conversations, {load['events']} events "
        f"({load['deliveries']} deliveries with Slack retries) in {load['seconds']} s "
        f"= {load['achieved_rate']} events/s",
        f"  ack latency      p50 {load['ack_ms']['p50']} ms, p99 {load['ack_ms']['p99']} ms",
        f"  event-to-reply   p50 {load['reply_ms']['p50']} ms, p95 {load['reply_ms']['p95']} ms",
        f"  lost {load['lost']}, duplicated {load['duplicated']}, wrong {load['wrong']}, "
        f"failed acks {load['failed_acks']}; 1-min load average "
        f"{load['load_average'][0]:.2f} before, {load['load_average'][1]:.2f} after",
        f"  worker CPU       {load.get('worker_cpu_ms_per_delivery', '?')} ms per delivery",
        *_figures(results),
        "",
        "Targets:",
        *(_target_line(t) for t in results["targets"]),
    ]
    return "\n".join(lines + [f"  ! {p}" for p in load["problems"][:5]])


def _figures(results: dict[str, Any]) -> list[str]:
    answers, decisions = results["answers"], results["decisions"]
    shipped, generated = results["ingest_shipped"], results["ingest_generated"]
    return [
        f"Peak worker RSS:   {results['workers']['peak_rss_mb']} MB",
        f"Answers (warm):    p50 {answers['p50_ms']} ms, p95 {answers['p95_ms']} ms "
        f"over {answers['answers']} answers",
        f"Decisions:         {decisions['decisions_per_second']:,.0f} per second",
        *_turn_lines(results.get("turns")),
        f"Ingest, shipped:   {shipped['total_seconds']} s ({shipped['files']} files, "
        f"{shipped['chunks']} chunks)",
        f"Ingest, generated: {generated['total_seconds']} s ({generated['files']} documents, "
        f"{generated['chunks']} chunks)",
    ]


def _turn_lines(turns: dict[str, Any] | None) -> list[str]:
    """The in-process turn CPU (benchmarks/bench_turn.py), when the suite measured it."""
    if not turns:
        return []
    return [
        f"Turn CPU:          mean {turns['cpu_ms_mean']} ms, p50 {turns['cpu_ms_p50']} ms, "
        f"p95 {turns['cpu_ms_p95']} ms over {turns['turns']} turns "
        f"(in-process; decide() {turns['decide_cpu_ms']} ms of it)"
    ]


def _target_line(target: dict[str, Any]) -> str:
    mark = "pass" if target["passed"] else "FAIL"
    return (
        f"  [{mark}] {target['name']}: {target['value']} {target['unit']} (< {target['limit']:g})"
    )
