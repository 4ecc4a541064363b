"""The eval: fact hit rate, off-topic abstention and latency over a question set.

A question file is JSON lines: `{"id", "q"}`, plus `"expect": [facts]` for an
on-topic question or `"off_topic": true`. An on-topic answer "hits" when it did
not abstain and every expected fact appears in its text, case-insensitively.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.ports import Answer, Answerer
from bot.rag.units import sentences

EVAL_DIR = Path(__file__).parent / "eval"
# `dev` is tuned on; `test` is frozen (written before the answer changes): only its
# aggregate figures are ever shown, never its questions or misses.
SPLITS = {"dev": EVAL_DIR / "dev.jsonl", "test": EVAL_DIR / "test.jsonl"}
DEFAULT_QUESTIONS = SPLITS["dev"]
MAX_ANSWER_CHARS = 600
_CITATION = re.compile(r"\s*\[\d+\]")


class QuestionError(ValueError):
    """A line of a question file that is not a valid question."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class EvalQuestion:
    """One question of a question file."""

    id: str
    q: str
    expect: tuple[str, ...] = ()
    off_topic: bool = False


@dataclass(frozen=True)
class Result:
    """An answer to an eval question, and how long it took."""

    question: EvalQuestion
    answer: Answer
    latency_ms: float

    @property
    def hit(self) -> bool:
        """On-topic: answered with every expected fact. Off-topic: abstained."""
        if self.question.off_topic:
            return self.answer.abstained
        text = self.answer.answer.lower()
        return not self.answer.abstained and all(f.lower() in text for f in self.question.expect)

    @property
    def leads(self) -> bool:
        """On-topic and answered, and the answer's first sentence holds an expected fact."""
        if self.question.off_topic or self.answer.abstained:
            return False
        first = lead_sentence(self.answer.answer).lower()
        return any(f.lower() in first for f in self.question.expect)


def lead_sentence(answer: str) -> str:
    """The first sentence of an answer, without its citation markers."""
    units = sentences(_CITATION.sub("", answer).strip())
    return units[0] if units else ""


def parse_question(line: str, number: int) -> EvalQuestion:
    """One JSON line as a question (QuestionError says what is wrong)."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise QuestionError(number, f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise QuestionError(number, 'expected an object like {"id": "q1", "q": "..."}')
    qid, text = data.get("id", str(number)), data.get("q")
    if not isinstance(text, str) or not text.strip():
        raise QuestionError(number, 'missing "q": the question text')
    expect = data.get("expect", [])
    if not isinstance(expect, list) or not all(isinstance(f, str) for f in expect):
        raise QuestionError(number, '"expect" must be a list of strings')
    return EvalQuestion(str(qid), text, tuple(expect), bool(data.get("off_topic", False)))


def read_questions(lines: Iterable[str]) -> Iterator[EvalQuestion | QuestionError]:
    """Questions from JSON lines; a bad line yields its QuestionError instead."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield parse_question(line, number)
        except QuestionError as exc:
            yield exc


def timed_answer(answerer: Answerer, question: EvalQuestion) -> Result:
    """Answer one question and measure it."""
    started = time.perf_counter()
    answer = answerer.answer(question.q)
    return Result(question, answer, (time.perf_counter() - started) * 1000)


@dataclass
class Figures:
    """The eval's headline numbers."""

    on_topic: int = 0
    fact_hits: int = 0
    lead_hits: int = 0  # on-topic answers whose first sentence holds a fact
    off_topic: int = 0
    off_topic_abstained: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_answer_chars: int = 0
    long_answers: int = 0  # answers over MAX_ANSWER_CHARS
    ingest_seconds: float | None = None
    misses: list[str] = field(default_factory=list)

    @property
    def fact_hit_rate(self) -> float:
        return self.fact_hits / self.on_topic if self.on_topic else 0.0

    @property
    def lead_rate(self) -> float:
        return self.lead_hits / self.on_topic if self.on_topic else 0.0

    @property
    def abstention_rate(self) -> float:
        return self.off_topic_abstained / self.off_topic if self.off_topic else 0.0

    def as_dict(self) -> dict[str, object]:
        """The figures as JSON-ready values."""
        return {
            "on_topic": self.on_topic,
            "fact_hits": self.fact_hits,
            "fact_hit_rate": round(self.fact_hit_rate, 4),
            "lead_hits": self.lead_hits,
            "lead_rate": round(self.lead_rate, 4),
            "off_topic": self.off_topic,
            "off_topic_abstained": self.off_topic_abstained,
            "abstention_rate": round(self.abstention_rate, 4),
            "p50_ms": round(self.p50_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "max_answer_chars": self.max_answer_chars,
            "long_answers": self.long_answers,
            "ingest_seconds": None
            if self.ingest_seconds is None
            else round(self.ingest_seconds, 3),
            "misses": self.misses,
        }


def score(results: Sequence[Result], ingest_seconds: float | None = None) -> Figures:
    """Fact hit rate, abstention rate and latency percentiles of a run."""
    figures = Figures(ingest_seconds=ingest_seconds)
    for result in results:
        if result.question.off_topic:
            figures.off_topic += 1
            figures.off_topic_abstained += result.hit
        else:
            figures.on_topic += 1
            figures.fact_hits += result.hit
            figures.lead_hits += result.leads
        if not result.hit:
            figures.misses.append(result.question.id)
        if not result.answer.abstained:
            length = len(result.answer.answer)
            figures.max_answer_chars = max(figures.max_answer_chars, length)
            figures.long_answers += length > MAX_ANSWER_CHARS
    latencies = sorted(r.latency_ms for r in results)
    figures.p50_ms = percentile(latencies, 50)
    figures.p95_ms = percentile(latencies, 95)
    return figures


def load_split(path: Path) -> list[EvalQuestion]:
    """The questions of a split file (QuestionError for the first bad line)."""
    items = list(read_questions(path.read_text(encoding="utf-8").splitlines()))
    for item in items:
        if isinstance(item, QuestionError):
            raise item
    return [q for q in items if isinstance(q, EvalQuestion)]


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]
