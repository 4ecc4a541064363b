"""Nearest labelled examples: a small classifier that learns from examples, not rules.

Texts are embedded once (the bundled WordLlama model by default); a new text takes
the labels of its k most similar examples, each weighted by a softmax over cosine
similarity. The result says how sure it is and which example it leaned on, so a
caller can ask instead of guessing below a threshold, and can explain a reading
("from 'vendor jargon'"). Adding examples to the data file is how it improves;
evaluate on messages it has never seen.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_K = 7
TEMPERATURE = 0.05  # softmax over cosine similarity: small, so the nearest examples count most
REMEMBERED_TEXTS = 4096  # embeddings kept by `RememberingEncoder` (float32 arrays, ~4 MB)
REMEMBER_UP_TO = 32  # calls with more texts (a training set, embedded once) pass straight through


class Encoder(Protocol):
    """What embeds texts: any LangChain `Embeddings` fits."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


@dataclass(frozen=True)
class Example:
    """One labelled text."""

    text: str
    label: str


@dataclass(frozen=True)
class Guess:
    """A label with how sure the classifier is, and the example it leaned on most."""

    label: str
    confidence: float  # the label's share of the neighbours' weight, 0..1
    similarity: float  # cosine similarity of the nearest example with this label
    example: str  # that example's text
    runner_up: str | None = None  # the next most likely label, for "did you mean"


class NearestExamples:
    """k-nearest-neighbour classification over embedded examples."""

    def __init__(self, examples: Sequence[Example], encoder: Encoder, k: int = DEFAULT_K) -> None:
        if not examples:
            raise ValueError("NearestExamples needs at least one example")
        self.examples = list(examples)
        self.encoder = encoder
        self.k = min(k, len(self.examples))
        self._matrix = _unit_rows(encoder.embed_documents([e.text for e in self.examples]))

    @property
    def labels(self) -> list[str]:
        """Every label, in first-seen order."""
        return list(dict.fromkeys(e.label for e in self.examples))

    def similarities(self, text: str) -> np.ndarray:
        """Cosine similarity of `text` to every example, in example order."""
        vector = _unit_rows(self.encoder.embed_documents([text]))[0]
        return self._matrix @ vector

    def scores(self, text: str) -> dict[str, float]:
        """Each label's share of the k nearest examples' weight (sums to 1)."""
        return self._vote(self.similarities(text))[0]

    def shares(self, sims: np.ndarray) -> dict[str, float]:
        """Each label's share of the k nearest examples' weight, given their similarities."""
        return self._vote(sims)[0]

    def classify(self, text: str) -> Guess:
        """The most likely label for `text`."""
        sims = self.similarities(text)
        shares, nearest = self._vote(sims)
        ranked = sorted(shares, key=lambda label: -shares[label])
        best = ranked[0]
        index = nearest[best]
        return Guess(
            label=best,
            confidence=shares[best],
            similarity=float(sims[index]),
            example=self.examples[index].text,
            runner_up=ranked[1] if len(ranked) > 1 else None,
        )

    def _vote(self, sims: np.ndarray) -> tuple[dict[str, float], dict[str, int]]:
        top = np.argsort(-sims)[: self.k]
        peak = float(sims[top[0]])
        shares: dict[str, float] = {}
        nearest: dict[str, int] = {}
        for i in top:
            label = self.examples[int(i)].label
            shares[label] = shares.get(label, 0.0) + math.exp((float(sims[i]) - peak) / TEMPERATURE)
            nearest.setdefault(label, int(i))
        total = sum(shares.values())
        return {label: w / total for label, w in shares.items()}, nearest


def _unit_rows(vectors: Sequence[Sequence[float]]) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def read_examples(path: Path) -> list[Example]:
    """Examples from JSON lines `{"text": ..., "label": ...}`; blank and # lines are skipped."""
    return list(parse_examples(path.read_text(encoding="utf-8").splitlines()))


def parse_examples(lines: Iterable[str]) -> Iterable[Example]:
    """Examples from JSON lines."""
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        data = json.loads(line)
        if not isinstance(data, dict) or not data.get("text") or not data.get("label"):
            raise ValueError(f"line {number}: expected {{'text': ..., 'label': ...}}")
        yield Example(str(data["text"]), str(data["label"]))


class RememberingEncoder:
    """An encoder that remembers the vectors of the texts it embedded last (a bounded LRU).

    One message is embedded by several readers: the router reads the whole message, the
    cause and the task readers each read its clauses, often the same text. Short replies
    ("format", "skip", "start over") also recur across conversations. Each text's vector
    does not depend on what else is in the batch (checked: WordLlama pools each text on
    its own), so a remembered vector is exactly the one a new call would give.
    """

    def __init__(self, inner: Encoder, size: int = REMEMBERED_TEXTS) -> None:
        self.inner = inner
        self.size = size
        # float32 arrays: 1 KB a text where a tuple of Python floats takes 8
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """The vector of each text: remembered ones from memory, the rest in one call."""
        if len(texts) > REMEMBER_UP_TO:
            return self.inner.embed_documents(texts)
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                vector = self._vectors.get(text)
                if vector is not None:
                    self._vectors.move_to_end(text)
                    found[text] = vector
            self.hits += sum(1 for t in texts if t in found)
        new = list(dict.fromkeys(t for t in texts if t not in found))
        if new:
            computed = self.inner.embed_documents(new)
            with self._lock:
                self.misses += len(new)
                for text, floats in zip(new, computed, strict=True):
                    found[text] = self._vectors[text] = np.asarray(floats, np.float32)
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        return [found[t].tolist() for t in texts]


@lru_cache(maxsize=1)
def default_encoder() -> Encoder:
    """The bundled embedding model (WordLlama), loaded once per process on first use."""
    from bot.rag.embeddings import load_embeddings  # numpy model from the installed wheel

    return RememberingEncoder(load_embeddings("wordllama", None))


@lru_cache(maxsize=1)
def sentence_encoder() -> Encoder | None:
    """The small transformer (MiniLM) when its weights are installed, else None: its
    vector reads a whole message's meaning, where WordLlama's mostly hears the topic."""
    from bot.settings import minilm_installed

    if not minilm_installed():
        return None
    from bot.rag.embeddings import load_embeddings

    return load_embeddings("minilm", None)  # it remembers recent texts itself
