"""`advisor eval`: answer many questions in one process, or score the project's eval set.

`advisor eval --questions FILE.jsonl --json` reads `{"id", "q"}` lines and
prints one JSON object per question: the answer's shape plus `id` and
`latency_ms` (a bad line prints `{"line", "error"}` instead). Without
--questions it builds a fresh index of the knowledge folder in a temporary
folder, answers bot/rag/eval/questions.jsonl and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.cli import UsageError
from bot.core.ports import KnowledgeUnavailable
from bot.settings import Settings

HELP = "answer a file of questions (JSON lines), or score the project's eval set"
TARGETS = {"fact_hit_rate": 0.9, "abstention_rate": 0.9, "p95_ms": 50.0, "ingest_seconds": 5.0}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--questions FILE (or - for stdin) and --json."""
    parser.add_argument(
        "--questions",
        metavar="FILE",
        help='JSON lines {"id", "q"} to answer ("-" reads stdin); default: score the eval set',
    )
    parser.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    parser.add_argument(
        "--routing", action="store_true", help="score question-vs-decision routing (dev, test)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Answer or score; exit 1 when a line was bad or the knowledge base is unavailable."""
    try:
        if getattr(args, "routing", False):
            return _score_routing()
        if args.questions:
            return _answer_file(args.questions, settings, as_json=args.json)
        return _score_eval_set(settings, as_json=args.json)
    except KnowledgeUnavailable as exc:
        print(f"advisor eval: {exc}", file=sys.stderr)
        return 1


def _score_routing() -> int:
    """Routing figures on both splits; exit 1 when no split file exists."""
    from bot.core.routing_eval import SPLITS, report, score_split

    results = {split: score_split(split) for split in SPLITS}
    for split, result in results.items():
        print("\n".join(report(split, result)))
    return 0 if any(results.values()) else 1


def _open(name: str) -> TextIO:
    if name == "-":
        return sys.stdin
    try:
        return Path(name).open(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


def _answer_file(name: str, settings: Settings, as_json: bool) -> int:
    from bot.rag.evaluation import QuestionError, read_questions, timed_answer
    from bot.rag.knowledge import KnowledgeBase

    knowledge = KnowledgeBase(settings)
    knowledge.load()
    bad = 0
    with _open(name) as lines:
        for item in read_questions(lines):
            if isinstance(item, QuestionError):
                bad += 1
                _emit({"line": item.line, "error": item.reason}, as_json, stream=sys.stderr)
                continue
            result = timed_answer(knowledge, item)
            row = {
                "id": item.id,
                **result.answer.model_dump(),
                "latency_ms": round(result.latency_ms, 2),
            }
            _emit(row, as_json)
    return 1 if bad else 0


def _emit(row: dict[str, object], as_json: bool, stream: TextIO | None = None) -> None:
    if as_json:
        print(json.dumps(row), flush=True)  # error lines too: the stream stays parseable
    elif "error" in row:
        print(f"advisor eval: line {row['line']}: {row['error']}", file=stream or sys.stdout)
    else:
        state = "abstained" if row["abstained"] else "answered"
        print(f"{row['id']}  {state}  {row['latency_ms']} ms  {str(row['answer'])[:90]}")


def _score_eval_set(settings: Settings, as_json: bool) -> int:
    import time

    from bot.rag.evaluation import (
        DEFAULT_QUESTIONS,
        QuestionError,
        read_questions,
        score,
        timed_answer,
    )
    from bot.rag.knowledge import KnowledgeBase

    questions = list(read_questions(DEFAULT_QUESTIONS.read_text(encoding="utf-8").splitlines()))
    problems = [q for q in questions if isinstance(q, QuestionError)]
    if problems:
        raise UsageError(f"{DEFAULT_QUESTIONS}: {problems[0]}")
    with tempfile.TemporaryDirectory(prefix="advisor-eval-") as folder:
        fresh = settings.model_copy(update={"chroma_path": Path(folder), "chroma_host": None})
        knowledge = KnowledgeBase(fresh)
        started = time.perf_counter()
        knowledge.ingest(rebuild=True, progress=False)
        ingest_seconds = time.perf_counter() - started
        knowledge.answer("what does fine-tuning cost?")  # warm: latencies are warm
        results = [
            timed_answer(knowledge, q) for q in questions if not isinstance(q, QuestionError)
        ]
    figures = score(results, ingest_seconds=ingest_seconds).as_dict()
    if as_json:
        print(json.dumps(figures))
    else:
        _print_figures(figures, results_count=len(results))
    return 0


def _print_figures(figures: dict[str, object], results_count: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Advisor eval: {results_count} questions")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    for name, value, target in _rows(figures):
        table.add_row(name, value, target)
    console = Console(highlight=False)
    console.print(table)
    if figures["misses"]:
        console.print(f"misses: {', '.join(map(str, _as_list(figures['misses'])))}")


def _rows(figures: dict[str, object]) -> list[tuple[str, str, str]]:
    def pct(key: str) -> str:
        return f"{float(str(figures[key])) * 100:.1f}%"

    return [
        (
            "fact hit rate (on-topic)",
            f"{pct('fact_hit_rate')} ({figures['fact_hits']}/{figures['on_topic']})",
            f">= {TARGETS['fact_hit_rate']:.0%}",
        ),
        (
            "off-topic abstention",
            f"{pct('abstention_rate')} ({figures['off_topic_abstained']}/{figures['off_topic']})",
            f">= {TARGETS['abstention_rate']:.0%}",
        ),
        ("answer latency p50 (warm)", f"{figures['p50_ms']} ms", ""),
        ("answer latency p95 (warm)", f"{figures['p95_ms']} ms", f"< {TARGETS['p95_ms']:.0f} ms"),
        ("ingest (fresh index)", f"{figures['ingest_seconds']} s", "< 5 s"),
    ]


def _as_list(value: object) -> Iterable[object]:
    return value if isinstance(value, list) else [value]
