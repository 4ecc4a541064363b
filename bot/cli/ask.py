"""`advisor ask "QUESTION"`: a grounded answer from the knowledge base, with citations."""

from __future__ import annotations

import argparse
import sys

from bot.cli import UsageError
from bot.core.ports import Answer, KnowledgeUnavailable
from bot.settings import Settings

HELP = "answer a question from the knowledge base, citing its sections"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The question (words are joined) and --json."""
    parser.add_argument("question", nargs="*", help='e.g. "what does fine-tuning cost?"')
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"answer", "abstained", "mode", "sources": [...]} as JSON',
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question; exit 1 when the knowledge base is unavailable."""
    question = " ".join(args.question).strip()
    if not question:
        raise UsageError('give a question, e.g. advisor ask "what does fine-tuning cost?"')
    from bot.rag.knowledge import KnowledgeBase

    try:
        answer = KnowledgeBase(settings).answer(question)
    except KnowledgeUnavailable as exc:
        print(f"advisor ask: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(answer.model_dump_json())
    else:
        print_answer(answer)
    return 0


def print_answer(answer: Answer) -> None:
    """The answer, then its numbered sources, for people."""
    from rich.console import Console

    from bot.rag.citations import citation_lines

    console = Console(highlight=False)
    console.print(answer.answer, style="dim" if answer.abstained else None, markup=False)
    lines = citation_lines(answer)
    if lines:
        console.print()
        console.print("Sources", style="bold")
        for line in lines:
            console.print(f"  {line}", markup=False)
