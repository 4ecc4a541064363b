"""`advisor ingest`: index the knowledge folder in Chroma (incremental; --rebuild)."""

from __future__ import annotations

import argparse
import json
import sys
import time

from bot.cli import UsageError
from bot.core.ports import KnowledgeUnavailable
from bot.settings import Settings

HELP = "index the knowledge folder (only changed files are re-embedded)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--rebuild and --json."""
    parser.add_argument(
        "--rebuild", action="store_true", help="drop the index and embed every file again"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest, then print what changed. Exit 1 when a file could not be read or indexed."""
    from bot.rag.index import describe
    from bot.rag.ingest import IngestError
    from bot.rag.knowledge import KnowledgeBase

    started = time.perf_counter()
    try:
        report = KnowledgeBase(settings).ingest(rebuild=args.rebuild)
    except IngestError as exc:
        raise UsageError(f"{exc} (KNOWLEDGE_DIRS lists folders of .md/.txt files)") from exc
    except KnowledgeUnavailable as exc:
        print(f"advisor ingest: {exc}", file=sys.stderr)
        return 1
    total = time.perf_counter() - started  # with loading the model and opening the index
    if args.json:
        print(
            json.dumps(
                {**report.as_dict(), "total_seconds": round(total, 3), "index": describe(settings)}
            )
        )
    else:
        counts = report.as_dict()
        print(
            f"Indexed {_folders(settings)} into {describe(settings)}"
            f"{' (rebuilt)' if report.rebuilt else ''}: "
            f"{counts['added']} added, {counts['changed']} changed, {counts['removed']} removed, "
            f"{counts['unchanged']} unchanged; {report.chunks} chunks "
            f"({report.embedded} embedded) in {total:.2f} s."
        )
        for error in report.errors:
            print(f"advisor ingest: skipped {error}", file=sys.stderr)
    return 1 if report.errors else 0


def _folders(settings: Settings) -> str:
    """The indexed folders for people: "the shipped guide + ./wiki"."""
    names = [str(folder) for _, folder in settings.knowledge_folders]
    if settings.knowledge_shipped and settings.knowledge_dir is None:
        names[0] = "the shipped guide"
    return " + ".join(names)
