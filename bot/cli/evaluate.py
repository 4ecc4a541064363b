"""`advisor eval`: answer many questions in one process, or score the project's eval set.

`advisor eval --questions FILE.jsonl --json` reads `{"id", "q"}` lines and
prints one JSON object per question: the answer's shape plus `id` and
`latency_ms` (a bad line prints `{"line", "error"}` instead). Without
--questions it builds a fresh index of the knowledge folder in a temporary
folder, answers the eval splits (bot/rag/eval/dev.jsonl and the frozen
test.jsonl; --split picks one) and prints both splits' figures side by side.
Misses are listed for dev only: the test split is never shown question by
question. --ablation scores the retrieval with parts switched off.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.cli import UsageError
from bot.core.ports import KnowledgeUnavailable
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.rag.evaluation import EvalQuestion
    from bot.rag.knowledge import KnowledgeBase

HELP = "answer a file of questions (JSON lines), or score the project's eval set"
TARGETS = {"fact_hit_rate": 0.9, "abstention_rate": 0.95, "p95_ms": 50.0, "ingest_seconds": 5.0}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--questions FILE (or - for stdin) and --json."""
    parser.add_argument(
        "--questions",
        metavar="FILE",
        help='JSON lines {"id", "q"} to answer ("-" reads stdin); default: score the eval set',
    )
    parser.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    parser.add_argument(
        "--split",
        choices=("dev", "test", "all"),
        default="all",
        help="which eval split to score (default: both; test shows figures only)",
    )
    parser.add_argument(
        "--ablation",
        action="store_true",
        help="score BM25 only, vectors only, without section questions, and full",
    )
    parser.add_argument(
        "--routing", action="store_true", help="score question-vs-decision routing (dev, test)"
    )
    parser.add_argument(
        "--slots", action="store_true", help="score slot precision and recall (dev, test)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Answer or score; exit 1 when a line was bad or the knowledge base is unavailable."""
    try:
        if getattr(args, "routing", False):
            return _score_routing()
        if getattr(args, "slots", False):
            return _score_slots()
        if args.questions:
            return _answer_file(args.questions, settings, as_json=args.json)
        return _score_eval_set(settings, args)
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


def _score_slots() -> int:
    """Slot precision and recall on both splits; exit 1 when no split file exists."""
    from bot.core.slot_eval import SPLITS, report, score_split

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


ABLATIONS = {
    "BM25 only": frozenset({"bm25"}),
    "vectors only": frozenset({"vectors"}),
    "without section questions": frozenset({"bm25", "vectors", "sentences"}),
    "without sentence entries": frozenset({"bm25", "vectors", "questions"}),
    "full": frozenset({"bm25", "vectors", "questions", "sentences"}),
}


def _score_eval_set(settings: Settings, args: argparse.Namespace) -> int:
    """Score the chosen splits on a fresh index; the test split shows figures only."""
    import time

    from bot.rag.evaluation import SPLITS, QuestionError, load_split
    from bot.rag.knowledge import KnowledgeBase

    names = list(SPLITS) if args.split == "all" else [args.split]
    try:
        splits = {n: load_split(SPLITS[n]) for n in names if SPLITS[n].exists()}
    except QuestionError as exc:
        raise UsageError(f"eval split: {exc}") from None
    if not splits:
        raise UsageError(f"no eval split found among {', '.join(names)}")
    with tempfile.TemporaryDirectory(prefix="advisor-eval-") as folder:
        fresh = settings.model_copy(update={"chroma_path": Path(folder), "chroma_host": None})
        started = time.perf_counter()
        KnowledgeBase(fresh).ingest(rebuild=True, progress=False)
        ingest_seconds = time.perf_counter() - started
        variants = ABLATIONS if args.ablation else {"full": ABLATIONS["full"]}
        report = {
            variant: _score_splits(KnowledgeBase(fresh, parts=parts), splits, ingest_seconds)
            for variant, parts in variants.items()
        }
    if args.json:
        print(json.dumps(report if args.ablation else report["full"]))
    elif args.ablation:
        _print_ablation(report)
    else:
        _print_figures(report["full"])
    return 0


def _score_splits(
    knowledge: KnowledgeBase, splits: dict[str, list[EvalQuestion]], ingest_seconds: float
) -> dict[str, dict[str, object]]:
    """Figures per split, latencies warm; the test split's misses are never kept."""
    from bot.rag.evaluation import score, timed_answer

    knowledge.answer("what does fine-tuning cost?")  # warm: latencies are warm
    knowledge.settle()
    out: dict[str, dict[str, object]] = {}
    for name, questions in splits.items():
        results = [timed_answer(knowledge, q) for q in questions]
        figures = score(results, ingest_seconds=ingest_seconds).as_dict()
        if name != "dev":
            figures.pop("misses")  # frozen split: aggregate figures only
        out[name] = figures
    return out


def _print_ablation(report: dict[str, dict[str, dict[str, object]]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Advisor eval: retrieval ablations (facts / off-topic abstained)")
    table.add_column("retrieval")
    splits = list(next(iter(report.values())))
    for split in splits:
        table.add_column(split, justify="right")
    for variant, figures in report.items():
        table.add_row(variant, *(_short(figures[s]) for s in splits))
    Console(highlight=False).print(table)


def _short(figures: dict[str, object]) -> str:
    return (
        f"{figures['fact_hits']}/{figures['on_topic']} ({_pct(figures['fact_hit_rate'])}), "
        f"{figures['off_topic_abstained']}/{figures['off_topic']}"
    )


def _pct(value: object) -> str:
    return f"{float(str(value)) * 100:.1f}%"


def _print_figures(report: dict[str, dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Advisor eval: " + ", ".join(report))
    table.add_column("figure")
    for split in report:
        table.add_column(f"{split} ({_count(report[split])} q)", justify="right")
    table.add_column("target", justify="right")
    rows = {split: _rows(figures) for split, figures in report.items()}
    first = next(iter(rows.values()))
    for n, (name, _, target) in enumerate(first):
        table.add_row(name, *(rows[split][n][1] for split in report), target)
    console = Console(highlight=False)
    console.print(table)
    misses = report.get("dev", {}).get("misses")
    if misses:
        console.print(f"dev misses: {', '.join(map(str, _as_list(misses)))}")


def _count(figures: dict[str, object]) -> int:
    return int(str(figures["on_topic"])) + int(str(figures["off_topic"]))


def _rows(figures: dict[str, object]) -> list[tuple[str, str, str]]:
    def pct(key: str) -> str:
        return _pct(figures[key])

    return [
        (
            "fact hit rate (on-topic)",
            f"{pct('fact_hit_rate')} ({figures['fact_hits']}/{figures['on_topic']})",
            f">= {TARGETS['fact_hit_rate']:.0%}",
        ),
        (
            "first sentence holds a fact",
            f"{pct('lead_rate')} ({figures['lead_hits']}/{figures['on_topic']})",
            "",
        ),
        (
            "off-topic abstention",
            f"{pct('abstention_rate')} ({figures['off_topic_abstained']}/{figures['off_topic']})",
            f">= {TARGETS['abstention_rate']:.0%}",
        ),
        ("answer latency p50 (warm)", f"{figures['p50_ms']} ms", ""),
        ("answer latency p95 (warm)", f"{figures['p95_ms']} ms", f"< {TARGETS['p95_ms']:.0f} ms"),
        ("longest answer", f"{figures['max_answer_chars']} chars", "<= 600"),
        ("answers over 600 chars", str(figures["long_answers"]), "0"),
        ("ingest (fresh index)", f"{figures['ingest_seconds']} s", "< 5 s"),
    ]


def _as_list(value: object) -> Iterable[object]:
    return value if isinstance(value, list) else [value]
