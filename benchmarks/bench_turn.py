"""CPU of one dialogue turn, in-process: the conversation core as the load test drives it.

Each conversation runs the load test's script (mention with the labeled count, rate and
rounds, cause, systematic share, categories -> recommendation, a question, start over)
through `Advisor.handle`, with the real message readers, engine and SQL store (SQLite in
a temporary folder), each turn under its own delivery id as Slack's events are. Knowledge
questions get a canned answer: `bench_rag.py` measures those. The figure is the CPU time
of the thread running the turn (`time.thread_time`), so other work on the machine changes
it far less than wall-clock time.

Run: `.venv/bin/python benchmarks/bench_turn.py [--conversations 60] [--json]`, or
`--profile` for the functions that take the time (cProfile). `advisor bench` imports
`bench_turns`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from conversations import SCRIPT, Conversation

from bot.core.meaning import read_meaning
from bot.core.messages import ConversationKey, Inbound
from bot.core.nearest import default_encoder
from bot.core.ports import Answer, Source
from bot.core.service import Advisor, delivery
from bot.engine import DecisionInput, decide
from bot.store.sql import SqlStore

STEP_NAMES = (
    "mention + facts",
    "rate and rounds",
    "cause",
    "systematic share",
    "categories -> recommendation",
    "knowledge question",
    "start over",
)


class CannedAnswerer:
    """One fixed, cited answer: the turn's own cost without the knowledge base's."""

    def answer(self, question: str) -> Answer:
        source = Source(
            id="faq-lora-0", title="FAQ", section="faq-lora", path="faq.md", score=0.9,
            text="LoRA (low-rank adaptation) fine-tunes a small set of added weights.",
        )  # fmt: skip
        text = "LoRA (low-rank adaptation) fine-tunes a small set of added weights [1]."
        return Answer(answer=text, abstained=False, mode="extractive", sources=[source])


def _inbound(conv: Conversation, step: int) -> Inbound:
    key = ConversationKey(
        workspace="TBENCH", channel=conv.channel, thread=conv.root_ts, user=f"U{conv.number:05d}"
    )
    return Inbound(key=key, text=SCRIPT[step].text.format(**conv.values))


def bench_turns(conversations: int = 60, profile: bool = False) -> dict[str, Any]:
    """CPU per turn over `conversations` runs of the script (after one warm-up run)."""
    with tempfile.TemporaryDirectory(prefix="advisor-turns-") as folder:
        store = SqlStore(f"sqlite:///{Path(folder) / 'turns.db'}")
        core = Advisor(store, CannedAnswerer(), decide, reader=read_meaning)
        try:
            recommended = _run(core, Conversation(0, "WARM"), 0)[1]  # loads readers and model
            encoder = default_encoder()
            hits_before = _hits(encoder)
            profiler = cProfile.Profile(time.process_time) if profile else None
            per_step: dict[int, list[float]] = defaultdict(list)
            decide_seconds = _decide_cpu(recommended)
            if profiler is not None:
                profiler.enable()
            for number in range(1, conversations + 1):
                for step, seconds in _run(core, Conversation(number, "TURN"), number)[0].items():
                    per_step[step].append(seconds)
            if profiler is not None:
                profiler.disable()
            hits, misses = (a - b for a, b in zip(_hits(encoder), hits_before, strict=True))
        finally:
            core.close()
    turns = [s * 1000 for seconds in per_step.values() for s in seconds]
    result = {
        "turns": len(turns),
        "conversations": conversations,
        "cpu_ms_mean": round(statistics.fmean(turns), 3),
        "cpu_ms_p50": round(statistics.median(turns), 3),
        "cpu_ms_p95": round(sorted(turns)[int(len(turns) * 0.95) - 1], 3),
        "cpu_ms_by_step": {
            STEP_NAMES[step]: round(statistics.fmean(s) * 1000, 3)
            for step, s in sorted(per_step.items())
        },
        "decide_cpu_ms": round(decide_seconds * 1000, 3),
        "embedding_memory_hits": hits,
        "embedding_memory_misses": misses,
        "store": "sqlite (temporary file)",
        "answers": "canned",
    }
    if profiler is not None:
        result["profile"] = _top(profiler)
    return result


def _run(core: Advisor, conv: Conversation, number: int) -> tuple[dict[int, float], DecisionInput]:
    """One pass through the script: the thread CPU seconds of each step, and what was decided."""
    spent = {}
    decided = None
    for step in range(len(SCRIPT)):
        inbound = _inbound(conv, step)
        began = time.thread_time()
        with delivery(f"Ev{conv.run}{number:05d}{step:04d}"):
            replies = core.handle(inbound)
        spent[step] = time.thread_time() - began
        if not replies or replies[0].kind.value == "error":
            raise RuntimeError(f"step {step + 1} of conversation {number} failed: {replies}")
        decided = next((r.recommendation.input for r in replies if r.recommendation), decided)
    if decided is None:
        raise RuntimeError(f"conversation {number} got no recommendation")
    return spent, decided


def _decide_cpu(inp: DecisionInput, runs: int = 200) -> float:
    """Thread CPU seconds of decide() alone on the script's recommendation input."""
    began = time.thread_time()
    for _ in range(runs):
        decide(inp)
    return (time.thread_time() - began) / runs


def _hits(encoder: Any) -> tuple[int, int]:
    """The embedding memory's hits and misses so far (0, 0 on a checkout without one)."""
    return getattr(encoder, "hits", 0), getattr(encoder, "misses", 0)


def _top(profiler: cProfile.Profile, lines: int = 30) -> str:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def render(result: dict[str, Any]) -> str:
    steps = ", ".join(f"{name} {ms}" for name, ms in result["cpu_ms_by_step"].items())
    return (
        f"Turn CPU: mean {result['cpu_ms_mean']} ms, p50 {result['cpu_ms_p50']} ms, "
        f"p95 {result['cpu_ms_p95']} ms over {result['turns']} turns "
        f"({result['conversations']} conversations; store {result['store']}, "
        f"{result['answers']} answers)\n"
        f"  by step (ms): {steps}\n"
        f"  decide() alone {result['decide_cpu_ms']} ms; embedding memory "
        f"{result['embedding_memory_hits']} hits, {result['embedding_memory_misses']} misses"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.conversations <= 5000:
        sys.exit("--conversations must be between 1 and 5000")
    result = bench_turns(args.conversations, profile=args.profile)
    if args.json:
        print(json.dumps(result))
        return
    print(render(result))
    if args.profile:
        print("(with the profiler on, every figure above includes its overhead)")
        print(result["profile"])


if __name__ == "__main__":
    main()
