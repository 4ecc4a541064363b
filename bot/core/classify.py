"""Failure cause and task by meaning: labelled examples, clause by clause.

Keyword rules (vocab.py) catch the clearly-named cases; this reads the described ones
("it keeps using the wrong vendor jargon", "our agent that plans multi-step refunds").
Each clause of a message is embedded (the bundled WordLlama model) and scored by three
small readers fitted on the bundled examples (bot/core/data/causes.jsonl, tasks.jsonl,
which include a `none` label for text about something else): the nearest examples'
vote, the likeness to each label's mean example, and naive Bayes on the words. Their
averaged probability is the confidence: readers that err differently are better
calibrated together than any one alone (cross-validated on the examples themselves,
printed by `advisor eval --slots`). A label counts only above a confidence and a
similarity threshold (tuned on the dev split); below, the guess is kept as the likely
choice to offer first when the dialogue asks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from bot.core.nearest import Encoder, Example, NearestExamples, default_encoder, parse_examples

NONE = "none"
# (averaged probability of the label, cosine similarity of its nearest example)
THRESHOLDS = {"failure_cause": (0.7, 0.3), "task": (0.75, 0.3)}
# Clauses about the prompt work itself ("went through 9 drafts") say nothing of the task.
_NOT_ABOUT_TASK = re.compile(r"\b(?:prompts?|versions?|drafts?|iterations?|tries)\b", re.I)
ASKED_EASING = 0.1
MIN_WORDS = {"failure_cause": 3, "task": 3}
# A task read from a clause about failing ("replies are too stiff"), and a cause read from a
# clause that says nothing of failing ("we run a support bot", in a message that does).
CAUSE_CLAUSE_BAR = (0.9, 0.3)
PLAIN_CLAUSE_BAR = (0.9, 0.3)
K = 5
CENTROID_TEMPERATURE = 0.02  # softmax over likeness to each label's mean example
FOLDS = 10
SMOOTHING = 0.2  # naive Bayes: pseudo-count per word and label
_STOP = frozenset(
    re.findall(
        r"[a-z]+",
        "a an the it its is are was were be been our we us my i to of in on for and or but so"
        " that this with as at by from they them their there have has had do does did just very"
        " really",
    )
)
_FILES = {"failure_cause": "causes.jsonl", "task": "tasks.jsonl"}
_CLAUSE = re.compile(r"[^.;,!?\n()]+(?:\s+(?:and|but|so)\s+[^.;,!?\n()]+)*")
_LIST_GAP = re.compile(r"\s*(?:,\s*)?(?:(?:and|or)\s+)?")
_SPLIT = re.compile(r"\s+(?:and|but|so|because|when|while)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """A label for a slot, how sure, and the words it came from."""

    label: str
    confidence: float
    similarity: float
    span: tuple[int, int]


@dataclass(frozen=True)
class Scores:
    """One text's best label, its averaged probability and its nearest example's likeness."""

    label: str
    confidence: float
    similarity: float
    example: str


@dataclass(frozen=True)
class _Fitted:
    """The label means, the regression and the word counts, fitted on some of the examples."""

    centroids: np.ndarray
    words: dict[str, np.ndarray]  # word -> examples per label that use it
    per_label: np.ndarray  # examples per label


class MeaningReader:
    """Four readers fitted on labelled examples, averaged: the nearest examples' vote, the
    likeness to each label's mean example, a softmax regression on the embedding, and
    naive Bayes on the words (cut to their first letters, so "invents" and "invented"
    meet). Static embeddings average a sentence, so a telling word ("tone", "totals")
    can drown in them; the word reader keeps it.
    """

    def __init__(self, examples: Sequence[Example], encoder: Encoder) -> None:
        self.encoder = encoder
        self.nearest = NearestExamples(examples, encoder, k=K)
        self.examples = self.nearest.examples
        self.labels = self.nearest.labels
        self._targets = np.asarray([self.labels.index(e.label) for e in self.examples])
        self._matrix = _unit(encoder.embed_documents([e.text for e in self.examples]))
        self._fitted = self._fit(np.ones(len(self.examples), dtype=bool))

    def _fit(self, keep: np.ndarray) -> _Fitted:
        targets = self._targets[keep]
        matrix = self._matrix[keep]
        size = len(self.labels)
        means = [matrix[targets == i].mean(axis=0) for i in range(size)]
        words: dict[str, np.ndarray] = {}
        for index in np.flatnonzero(keep):
            for word in set(_words(self.examples[index].text)):
                words.setdefault(word, np.zeros(size))[self._targets[index]] += 1
        return _Fitted(_unit(means), words, np.bincount(targets, minlength=size))

    def read(self, texts: Sequence[str]) -> list[Scores]:
        """The best label of each text (one embedding call for all of them)."""
        if not texts:
            return []
        vectors = _unit(self.encoder.embed_documents(list(texts)))
        return self._score(self._fitted, vectors, texts, vectors @ self._matrix.T)

    def _score(
        self,
        fitted: _Fitted,
        vectors: np.ndarray,
        texts: Sequence[str],
        sims: np.ndarray,
        keep: np.ndarray | None = None,
    ) -> list[Scores]:
        likeness = vectors @ fitted.centroids.T
        centroid = np.exp((likeness - likeness.max(axis=1, keepdims=True)) / CENTROID_TEMPERATURE)
        centroid /= centroid.sum(axis=1, keepdims=True)
        out = []
        for row, sim in enumerate(sims):
            if keep is not None:
                sim = np.where(keep, sim, -1.0)  # held-out examples cast no vote
            shares = self.nearest.shares(sim)
            vote = np.asarray([shares.get(label, 0.0) for label in self.labels])
            words = _bayes(fitted, texts[row])
            probs = (vote + centroid[row] + words) / 3
            best = int(np.argmax(probs))
            nearest = int(np.argmax(np.where(self._targets == best, sim, -np.inf)))
            example = self.examples[nearest].text
            out.append(Scores(self.labels[best], float(probs[best]), float(sim[nearest]), example))
        return out

    def cross_validate(self, slot: str, folds: int = FOLDS) -> CrossValidation:
        """Each example read by readers fitted without its fold: an honest check of the data."""
        result = CrossValidation(slot, examples=len(self.examples))
        fold_of = np.arange(len(self.examples)) % folds
        for fold in range(folds):
            held = np.flatnonzero(fold_of == fold)
            keep = fold_of != fold
            texts = [self.examples[i].text for i in held]
            vectors = self._matrix[held]
            found = self._score(self._fit(keep), vectors, texts, vectors @ self._matrix.T, keep)
            for index, scores in zip(held, found, strict=True):
                result.add(self.examples[index].label, scores, is_sure(slot, scores))
        return result


@dataclass
class CrossValidation:
    """How the examples read when held out: top label right, and sure fills right or wrong."""

    slot: str
    examples: int = 0
    top_right: int = 0
    stated: int = 0  # examples with a real label (not `none`)
    filled_right: int = 0
    filled_wrong: int = 0

    def add(self, label: str, scores: Scores, sure: bool) -> None:
        self.top_right += scores.label == label
        self.stated += label != NONE
        if sure and scores.label != NONE:
            self.filled_right += scores.label == label
            self.filled_wrong += scores.label != label

    def line(self) -> str:
        filled = self.filled_right + self.filled_wrong
        return (
            f"  {self.slot:<26} {FOLDS}-fold on {self.examples} training examples: top label "
            f"{self.top_right / self.examples:.1%}; above threshold precision "
            f"{self.filled_right / filled if filled else 1.0:.1%} ({self.filled_right}/{filled}), "
            f"recall {self.filled_right / self.stated if self.stated else 1.0:.1%} "
            f"({self.filled_right}/{self.stated})"
        )


@lru_cache(maxsize=2)
def _classifier(slot: str) -> MeaningReader:
    data = resources.files("bot.core").joinpath("data", _FILES[slot])
    examples = list(parse_examples(data.read_text(encoding="utf-8").splitlines()))
    return MeaningReader(examples, default_encoder())


def cross_validate(slot: str) -> CrossValidation:
    """The bundled examples of a slot, each read by readers that never saw it."""
    return _classifier(slot).cross_validate(slot)


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a message (and the whole message when it is one clause).

    A fragment of one or two words after a comma ("fees, store credit and returns") is
    part of a list, so it stays with the clause before it.
    """
    spans: list[tuple[int, int]] = []
    for m in _CLAUSE.finditer(text):
        start = m.start()
        for part in [*_SPLIT.finditer(m.group(0)), None]:
            end = m.start() + part.start() if part else m.end()
            if text[start:end].strip() and re.search(r"[a-z]{3}", text[start:end], re.I):
                span = _trim(text, start, end)
                if (
                    spans
                    and len(text[span[0] : span[1]].split()) < 3
                    and _LIST_GAP.fullmatch(text[spans[-1][1] : span[0]])
                ):
                    spans[-1] = (spans[-1][0], span[1])
                else:
                    spans.append(span)
            if part:
                start = m.start() + part.end()
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def readings(slot: str, text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Reading]:
    """The non-`none` reading of each clause, most confident first.

    Clauses overlapping a `skip` span (a stated success rate) are about something else;
    a clause of fewer than MIN_WORDS words says too little, unless it is the whole message.
    """
    spans = []
    whole = text.strip()
    for span in clauses(text):
        clause = text[span[0] : span[1]]
        if any(s < span[1] and span[0] < e for s, e in skip):
            continue
        if len(clause.split()) < MIN_WORDS[slot] and (clause != whole or len(clause.split()) < 2):
            continue  # "sorry", "store credit": too little to say what it is about
        if slot == "task" and _NOT_ABOUT_TASK.search(clause):
            continue
        spans.append(span)
    found = [
        Reading(scores.label, scores.confidence, scores.similarity, span)
        for span, scores in zip(
            spans, _classifier(slot).read([text[s:e] for s, e in spans]), strict=True
        )
        if scores.label != NONE
    ]
    return sorted(found, key=lambda r: (-r.confidence, -r.similarity))


def best_reading(slot: str, text: str, skip: Sequence[tuple[int, int]] = ()) -> Reading | None:
    """The most confident non-`none` reading of any clause, or None."""
    found = readings(slot, text, skip)
    return found[0] if found else None


def is_sure(
    slot: str,
    reading: Reading | Scores,
    asked: bool = False,
    bar: tuple[float, float] | None = None,
) -> bool:
    """Whether a reading is confident enough to fill the slot.

    A reply to the question for this very slot is about it, so it needs less likeness;
    `bar` raises the thresholds where the context makes a reading less likely.
    """
    confidence, similarity = THRESHOLDS[slot]
    if bar is not None:
        confidence, similarity = max(confidence, bar[0]), max(similarity, bar[1])
    if asked:
        similarity -= ASKED_EASING
    return reading.confidence >= confidence and reading.similarity >= similarity


def _bayes(fitted: _Fitted, text: str) -> np.ndarray:
    """Naive Bayes over the words a text shares with the examples (smoothed, so one word
    never decides alone)."""
    counts = fitted.per_label.astype(float)
    log = np.log(counts / counts.sum())
    for word in set(_words(text)):
        if word in fitted.words:
            log += np.log((fitted.words[word] + SMOOTHING) / (counts + 2 * SMOOTHING))
    probs = np.exp(log - log.max())
    out: np.ndarray = probs / probs.sum()
    return out


def _words(text: str) -> list[str]:
    """The telling words of a text, cut to five letters."""
    return [w[:5] for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP]


def _unit(vectors: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
