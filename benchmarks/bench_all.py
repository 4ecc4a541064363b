"""Every benchmark in one run, with the targets marked pass or fail (`advisor bench`).

Starts what it needs and cleans up: the fake Slack Web API, the Procfile's gunicorn
workers, a Chroma server (`chroma run`, or the configured CHROMA_HOST with a
temporary collection), and PostgreSQL from DATABASE_URL in a temporary schema
(else a SQLite file in a temporary folder). Nothing of the configured state is touched.
"""

from __future__ import annotations

import contextlib
import os
import platform
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_engine import bench_decisions
from bench_rag import SHIPPED_KNOWLEDGE, bench_answers, bench_ingest, generate_corpus
from bench_turn import bench_turns
from deployment import Deployment, DeploymentConfig
from services import ChromaServer, postgres_schema

from bot.settings import Settings

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SuiteOptions:
    """How hard and how long to push."""

    seconds: float = 30.0
    rate: float = 50.0
    conversations: int = 200
    corpus_size: int = 1000
    answer_rounds: int = 3
    decision_seconds: float = 2.0
    turn_conversations: int = 60


@dataclass(frozen=True)
class Target:
    """A figure that must stay under a limit. `where` is its path in the results."""

    name: str
    where: tuple[str, ...]
    limit: float
    unit: str


TARGETS = (
    Target("lost, duplicated or mixed replies", ("load", "faults"), 1, "events"),
    Target("ack latency p99 under load", ("load", "ack_ms", "p99"), 50, "ms"),
    Target("event-to-reply p95 (extractive)", ("load", "reply_ms", "p95"), 250, "ms"),
    Target("peak RSS of a worker", ("workers", "peak_rss_mb"), 400, "MB"),
    Target("answer latency p95 (warm)", ("answers", "p95_ms"), 50, "ms"),
    Target("ingest of the shipped knowledge base", ("ingest_shipped", "total_seconds"), 5, "s"),
)


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).split(":", 1)[0].startswith("postgres")


@contextlib.contextmanager
def deployment_from_settings(settings: Settings, options: SuiteOptions) -> Iterator[Deployment]:
    """A fresh deployment for a benchmark, on the configured services where there are some."""
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="advisor-bench-")))
        if is_postgres(settings.database_url):
            url = stack.enter_context(postgres_schema(str(settings.database_url), "advisor_bench"))
        else:
            url = f"sqlite:///{folder / 'advisor.db'}"
        collection = "advisor-knowledge"
        if settings.chroma_host:
            host, port = settings.chroma_host, settings.chroma_port
            collection = f"advisor-bench-{uuid.uuid4().hex[:8]}"
        else:
            chroma = stack.enter_context(ChromaServer(folder / "chroma"))
            host, port = chroma.host, chroma.port
        config = DeploymentConfig(
            folder=folder / "app", database_url=url, chroma_host=host, chroma_port=port,
            collection=collection, knowledge_dir=SHIPPED_KNOWLEDGE,
        )  # fmt: skip
        deployment = Deployment(config)
        if settings.chroma_host:
            stack.callback(deployment.drop_collection)
        yield stack.enter_context(deployment)


def run_suite(settings: Settings, options: SuiteOptions, progress: Progress) -> dict[str, Any]:
    """Run every benchmark; the results, with `targets` marked pass or fail."""
    results: dict[str, Any] = {"machine": machine(), "options": asdict(options)}
    progress("starting the fake Slack API, a Chroma server and the Procfile's workers")
    with deployment_from_settings(settings, options) as deployment:
        results["deployment"] = describe(settings, deployment)
        progress(f"load: {options.conversations} conversations, {options.rate:g} events/s "
                 f"for {options.seconds:g} s")  # fmt: skip
        before = os.getloadavg()[0]
        cpu_before = deployment.workers.cpu_seconds()
        report = deployment.load(options.conversations, options.rate, options.seconds)
        results["load"] = report.as_dict() | {"load_average": [before, os.getloadavg()[0]]}
        results["load"]["worker_cpu_ms_per_delivery"] = worker_cpu_ms(
            cpu_before, deployment.workers.cpu_seconds(), report.deliveries
        )
        peaks = deployment.workers.peak_rss_mb()
        results["workers"] = {"count": len(peaks), "peak_rss_mb": max(peaks.values(), default=0)}
    progress("decisions per second")
    results["decisions"] = bench_decisions(options.decision_seconds)
    progress("CPU of a dialogue turn, in-process")
    results["turns"] = bench_turns(options.turn_conversations)
    progress("answer latency over the eval set")
    results["answers"] = bench_answers(rounds=options.answer_rounds)
    progress("ingest: the shipped knowledge base")
    results["ingest_shipped"] = bench_ingest(SHIPPED_KNOWLEDGE)
    progress(f"ingest: a generated corpus of {options.corpus_size} documents")
    with tempfile.TemporaryDirectory(prefix="advisor-corpus-") as corpus:
        results["ingest_generated"] = bench_ingest(
            generate_corpus(Path(corpus), options.corpus_size)
        )
        results["ingest_generated"]["corpus"] = f"{options.corpus_size} generated documents"
    results["targets"] = judge(results)
    return results


def worker_cpu_ms(before: dict[int, float], after: dict[int, float], deliveries: int) -> float:
    """The workers' CPU time during the load run per delivery, in ms (0 when nothing ran)."""
    used = sum(after[pid] - before[pid] for pid in after if pid in before)
    return round(used / deliveries * 1000, 2) if deliveries else 0.0


def judge(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it passed."""
    judged = []
    for target in TARGETS:
        value: Any = results
        for key in target.where:
            value = value.get(key) if isinstance(value, dict) else None
        passed = isinstance(value, int | float) and value < target.limit
        judged.append({**asdict(target), "value": value, "passed": passed})
    return judged


def describe(settings: Settings, deployment: Deployment) -> dict[str, Any]:
    """What the load ran against."""
    return {
        "workers": deployment.workers.expected,
        "command": " ".join(deployment.workers.command[1:]),
        "database": "postgresql" if is_postgres(settings.database_url) else "sqlite",
        "chroma": "configured server" if settings.chroma_host else "chroma run (loopback)",
    }


def machine() -> dict[str, Any]:
    """The machine the figures belong to."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo") if "model name" in line),
        platform.processor() or "unknown",
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def _read(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []
