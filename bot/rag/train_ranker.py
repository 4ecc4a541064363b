"""Fit the sentence ranker (bot.rag.ranker) on the dev eval split.

    python -m bot.rag.train_ranker            # fit, report, write the JSON file
    python -m bot.rag.train_ranker --check    # report only (5-fold figures on dev)

It builds a fresh index of the knowledge folder with the configured embedding,
retrieves each on-topic dev question the way answering does, and labels every
candidate sentence by whether it holds one of the question's expected facts. The
test split is never read: it measures the fitted ranker on questions it has not
seen. The report gives, on dev, how often the top sentence holds a fact, fitted on
all of dev and in 5-fold cross-validation (the honest dev figure), and how many
dev answers hold their facts and lead with one when each fifth of dev is answered
by a ranker fitted on the other four fifths (`advisor eval` answers dev with the
ranker fitted on all of it, so its dev figure has seen the questions).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from bot.core.ports import Answerer
from bot.rag.embeddings import embedding_id
from bot.rag.evaluation import SPLITS, EvalQuestion, load_split, timed_answer
from bot.rag.extractive import candidates
from bot.rag.interaction import token_matcher
from bot.rag.ranker import RANKER_FILE, SentenceRanker, fit
from bot.settings import Settings

FOLDS = 5


class RankedAnswerer(Answerer, Protocol):
    """Answers questions, ranking sentences with the ranker it is given
    (bot.rag.knowledge.KnowledgeBase)."""

    def use_ranker(self, ranker: SentenceRanker | None) -> None: ...


@dataclass(frozen=True)
class Labelled:
    """One question's candidate sentences: features, and whether each holds a fact."""

    features: list[tuple[float, ...]]
    labels: list[bool]


@dataclass(frozen=True)
class Answered:
    """Answers with the facts, and answers whose first sentence holds one, of so many."""

    facts: int
    leads: int
    questions: int


def read_dev(settings: Settings) -> tuple[list[Labelled | None], Answered]:
    """On a fresh index: each on-topic dev question's labelled candidates (None when
    they cannot teach: no candidate, or every candidate holds a fact), and the dev
    answers given by rankers fitted on the other folds (see `cross_validated_answers`)."""
    from bot.rag.knowledge import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="advisor-ranker-") as folder:
        fresh = settings.model_copy(update={"chroma_path": Path(folder), "chroma_host": None})
        KnowledgeBase(fresh).ingest(rebuild=True, progress=False)
        # no background read-ahead: the matcher below computes what the labels need, once
        knowledge = KnowledgeBase(fresh, background=False)
        retriever = knowledge.load()
        matcher = token_matcher(settings.embedding_backend)
        items = [item for item in load_split(SPLITS["dev"]) if not item.off_topic]
        labelled: list[Labelled | None] = []
        for item in items:
            retrieval = knowledge.retrieve(item.q)
            found = candidates(
                retrieval.weights,
                retrieval.query.text,
                retrieval.hits,
                retriever.bm25.idf,
                matcher,
            )
            facts = [f.lower() for f in item.expect]
            labels = [any(f in s.sentence.text.lower() for f in facts) for s in found]
            teaches = any(labels) and not all(labels)
            labelled.append(Labelled([s.features for s in found], labels) if teaches else None)
        embedding = embedding_id(settings.embedding_backend, settings.embedding_model)
        answered = cross_validated_answers(knowledge, items, labelled, embedding)
        knowledge.index.close()
    return labelled, answered


def cross_validated_answers(
    knowledge: RankedAnswerer,
    items: Sequence[EvalQuestion],
    labelled: Sequence[Labelled | None],
    embedding: str,
) -> Answered:
    """Each fifth of the questions answered with a ranker fitted on the others' labels
    (`labelled[i]` belongs to `items[i]`): the dev figure of answers the ranker has not
    seen."""
    facts = leads = 0
    for fold in range(FOLDS):
        train = [q for i, q in enumerate(labelled) if q is not None and i % FOLDS != fold]
        knowledge.use_ranker(fitted(train, embedding))
        for i, item in enumerate(items):
            if i % FOLDS == fold:
                result = timed_answer(knowledge, item)
                facts += result.hit
                leads += result.leads
    return Answered(facts, leads, len(items))


def top_hits(ranker: SentenceRanker, questions: Sequence[Labelled]) -> int:
    """Questions whose best-ranked sentence holds a fact."""
    hits = 0
    for q in questions:
        scores = [ranker.probability(f) for f in q.features]
        hits += q.labels[max(range(len(scores)), key=scores.__getitem__)]
    return hits


def fitted(questions: Sequence[Labelled], embedding: str) -> SentenceRanker:
    """A ranker fitted on these questions' candidates."""
    rows = [f for q in questions for f in q.features]
    labels = [y for q in questions for y in q.labels]
    return fit(rows, labels, embedding)


def cross_validated(questions: Sequence[Labelled], embedding: str) -> int:
    """Top-sentence hits when each fifth of the questions is ranked by a ranker fitted
    on the other four fifths."""
    hits = 0
    for fold in range(FOLDS):
        train = [q for i, q in enumerate(questions) if i % FOLDS != fold]
        held = [q for i, q in enumerate(questions) if i % FOLDS == fold]
        hits += top_hits(fitted(train, embedding), held)
    return hits


def main(argv: Sequence[str] | None = None) -> int:
    """Fit on dev, print the figures, and write the ranker file (unless --check)."""
    parser = argparse.ArgumentParser(prog="python -m bot.rag.train_ranker")
    parser.add_argument("--check", action="store_true", help="report only; write nothing")
    args = parser.parse_args(argv)
    settings = Settings()
    embedding = embedding_id(settings.embedding_backend, settings.embedding_model)
    labelled, answered = read_dev(settings)
    questions = [q for q in labelled if q is not None]
    ranker = replace(
        fitted(questions, embedding),
        trained_on=f"dev split: {len(questions)} questions with a fact-holding candidate",
    )
    n = len(questions)
    print(f"embedding {embedding}; {n} dev questions with both kinds of candidate")
    print(f"top sentence holds a fact: fitted {top_hits(ranker, questions)}/{n}, ", end="")
    print(f"{FOLDS}-fold {cross_validated(questions, embedding)}/{n}")
    print(
        f"dev answers by rankers fitted on the other folds ({FOLDS}-fold): "
        f"{answered.facts}/{answered.questions} hold the facts, {answered.leads} lead with one"
    )
    if not args.check:
        RANKER_FILE.parent.mkdir(parents=True, exist_ok=True)
        RANKER_FILE.write_text(ranker.to_json() + "\n", encoding="utf-8")
        print(f"wrote {RANKER_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
