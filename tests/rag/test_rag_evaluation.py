"""Eval scoring: what counts as a hit, percentiles, and the question file format."""

from __future__ import annotations

import pytest

from bot.core.ports import Answer
from bot.rag.evaluation import (
    DEFAULT_QUESTIONS,
    EvalQuestion,
    QuestionError,
    Result,
    percentile,
    read_questions,
    score,
)


def result(
    answer: str,
    *,
    abstained: bool = False,
    expect: tuple[str, ...] = (),
    off_topic: bool = False,
    ms: float = 1.0,
) -> Result:
    question = EvalQuestion("q", "question?", expect, off_topic)
    return Result(
        question, Answer(answer=answer, abstained=abstained, mode="extractive", sources=[]), ms
    )


@pytest.mark.parametrize(
    ("outcome", "hit"),
    [
        (result("Costs $500-$5000+ per run.", expect=("$500-$5000", "per RUN")), True),
        (result("Costs $500 per run.", expect=("$500-$5000",)), False),
        (result("$500-$5000", abstained=True, expect=("$500-$5000",)), False),
        (result("not covered", abstained=True, off_topic=True), True),
        (result("the wifi password is...", off_topic=True), False),
    ],
    ids=[
        "all-facts",
        "missing-fact",
        "abstained-on-topic",
        "abstained-off-topic",
        "answered-off-topic",
    ],
)
def test_what_counts_as_a_hit(outcome: Result, hit: bool) -> None:
    assert outcome.hit is hit


@pytest.mark.parametrize(
    ("answer", "leads"),
    [
        ("A fine-tuning run costs $500-$5000+. Retrain once a year. [1]", True),
        ("Fine-tuning is a big investment. [1] Every training run costs $500-$5000+. [2]", False),
        ("Closest match in the guide: a run costs $500-$5000+. [1]", True),
    ],
    ids=["first-sentence", "only-the-second", "closest-match"],
)
def test_an_answer_leads_when_its_first_sentence_holds_a_fact(answer: str, leads: bool) -> None:
    outcome = result(answer, expect=("$500-$5000",))

    assert outcome.hit is True
    assert outcome.leads is leads
    assert score([outcome]).lead_hits == int(leads)


def test_an_abstention_or_an_off_topic_question_never_leads() -> None:
    assert not result("$500-$5000", abstained=True, expect=("$500-$5000",)).leads
    assert not result("$500-$5000 a run.", off_topic=True).leads


def test_score_counts_rates_and_latency_percentiles() -> None:
    results = [result("a $1", expect=("$1",), ms=float(ms)) for ms in range(1, 10)]
    results.append(result("no", abstained=True, off_topic=True, ms=100.0))
    results.append(result("yes", off_topic=True, ms=5.0))
    figures = score(results, ingest_seconds=1.5)
    assert (figures.on_topic, figures.fact_hits, figures.fact_hit_rate) == (9, 9, 1.0)
    assert (figures.off_topic, figures.off_topic_abstained, figures.abstention_rate) == (2, 1, 0.5)
    assert figures.p50_ms == 5.0 and figures.p95_ms == 100.0
    assert figures.as_dict()["ingest_seconds"] == 1.5


def test_percentile_of_nothing_is_zero() -> None:
    assert percentile([], 95) == 0.0 and percentile([3.0], 50) == 3.0


def test_bad_lines_become_errors_and_good_ones_questions() -> None:
    items = list(read_questions(['{"id": "a", "q": "hi"}', "[1]", '{"q": "x", "expect": "no"}']))
    assert items[0] == EvalQuestion("a", "hi")
    assert isinstance(items[1], QuestionError) and "expected an object" in str(items[1])
    assert isinstance(items[2], QuestionError) and items[2].line == 3


def test_the_project_eval_set_is_valid_and_large_enough() -> None:
    items = list(read_questions(DEFAULT_QUESTIONS.read_text().splitlines()))
    assert not [i for i in items if isinstance(i, QuestionError)]
    questions = [i for i in items if isinstance(i, EvalQuestion)]
    assert sum(not q.off_topic for q in questions) >= 60
    assert all(q.expect for q in questions if not q.off_topic)
    assert sum(q.off_topic for q in questions) >= 10
