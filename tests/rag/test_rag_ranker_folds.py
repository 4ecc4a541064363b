"""The ranker's honest dev figure: each dev question is answered by a ranker that was
fitted without it (python -m bot.rag.train_ranker prints it beside the fitted one)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.core.ports import Answer
from bot.rag import train_ranker
from bot.rag.evaluation import EvalQuestion
from bot.rag.ranker import SentenceRanker
from bot.rag.train_ranker import FOLDS, Labelled, cross_validated_answers


def fold_ranker(train: Sequence[Labelled], embedding: str) -> SentenceRanker:
    """Stands for a fitted ranker: it records which questions' labels it was fitted on."""
    seen = " ".join(str(id(q)) for q in train)
    return SentenceRanker(embedding, (), (), (), 0.0, trained_on=seen)


def seen(ranker: SentenceRanker) -> list[int]:
    return [int(n) for n in ranker.trained_on.split()]


class Answerer:
    """Answers with the question's fact for the questions in `knows`, and records
    which ranker was in use for each question."""

    def __init__(self, knows: set[str]) -> None:
        self.knows = knows
        self.ranker: SentenceRanker | None = None
        self.used: dict[str, SentenceRanker | None] = {}

    def use_ranker(self, ranker: SentenceRanker | None) -> None:
        self.ranker = ranker

    def answer(self, question: str) -> Answer:
        self.used[question] = self.ranker
        text = f"Lockers close at 9pm. {question} is answered." if question in self.knows else ""
        return Answer(answer=text or "No idea.", abstained=False, mode="extractive", sources=[])


@pytest.fixture
def fold_rankers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(train_ranker, "fitted", fold_ranker)


@pytest.mark.usefixtures("fold_rankers")
def test_no_dev_question_is_answered_by_a_ranker_fitted_on_its_own_labels() -> None:
    items = [EvalQuestion(f"q{i}", f"question {i}", ("9pm",)) for i in range(12)]
    labelled: list[Labelled | None] = [Labelled([(0.1,), (0.9,)], [False, True]) for _ in items]
    labelled[3] = None  # every candidate held the fact: it teaches nothing
    answerer = Answerer({item.q for item in items})

    answered = cross_validated_answers(answerer, items, labelled, "minilm:test")

    assert answered.facts == answered.leads == answered.questions == len(items)
    rankers = {id(r) for r in answerer.used.values()}
    assert len(rankers) == FOLDS
    for item, own in zip(items, labelled, strict=True):
        ranker = answerer.used[item.q]
        assert ranker is not None
        assert own is None or id(own) not in seen(ranker)
        # ... and it learnt from every other fold's questions
        others = [
            q
            for q, r in zip(labelled, items, strict=True)
            if q and answerer.used[r.q] is not ranker
        ]
        assert sorted(seen(ranker)) == sorted(id(q) for q in others)


@pytest.mark.usefixtures("fold_rankers")
def test_the_figure_counts_answers_with_the_facts_and_those_that_lead_with_one() -> None:
    items = [
        EvalQuestion("a", "when do lockers close", ("9pm",)),
        EvalQuestion("b", "where are the lockers", ("basement",)),
        EvalQuestion("c", "what time is closing", ("9pm",)),
        EvalQuestion("d", "closing time and floor", ("9pm", "basement")),
        EvalQuestion("e", "who has the keys", ("9pm",)),
    ]
    labelled: list[Labelled | None] = [Labelled([(0.1,), (0.9,)], [False, True]) for _ in items]
    answerer = Answerer(
        {"when do lockers close", "where are the lockers", "closing time and floor"}
    )

    answered = cross_validated_answers(answerer, items, labelled, "minilm:test")

    # "9pm" is in the first sentence of the two answers that know it; "basement" in none
    assert (answered.facts, answered.leads, answered.questions) == (1, 2, 5)
