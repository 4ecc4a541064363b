"""A learned sentence ranker: which retrieved sentence answers the question?

The extractive answer quotes sentences from the retrieved chunks. Hand-tuned
bonuses (words in common, the section's lead sentence, an anchored section
question) pick the right chunk far more often than the right sentence in it. This
ranker weighs those signals together with meaning: each sentence's similarity to
the question in the embedding space (sentences are index entries of their own, so
the vector search already measured it), the similarity of section questions that
name the sentence as their answer, and of the sentence's whole chunk.

It is a logistic regression over a few features, fitted on labelled questions
(`python -m bot.rag.train_ranker`: the `dev` eval split; `test` stays unseen), and
stored as JSON beside this module with the embedding it was fitted for. With
another embedding the similarities mean something else: the ranker is not used.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

FEATURES = (
    "similarity",  # cosine similarity of the sentence's own entry to the question
    "words",  # the lexical score: question terms it holds, by IDF, chunk rank, length
    "lead",  # the hand-made prior: section lead, or the sentence an asked question names
    "prior",  # its chunk's fused retrieval score relative to the best chunk's
    "anchor",  # best similarity of a section question naming this sentence (0: none)
    "chunk_similarity",  # the whole chunk's similarity to the question
    "length",  # characters / 200
    "similarity_rank",  # 1 / (1 + rank of `similarity` among the candidates)
    "token_match",  # late interaction: its word pieces' best matches to the question's
    "token_match_rank",  # 1 / (1 + rank of `token_match` among the nearest sentences)
)
RANKER_FILE = Path(__file__).parent / "data" / "sentence_ranker.json"
L2 = 1.0  # ridge penalty on standardized features


@dataclass(frozen=True)
class SentenceRanker:
    """Standardize, weigh, squash: the probability that a sentence answers the question."""

    embedding: str  # the embedding id the features were measured with
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    trained_on: str = ""  # what it was fitted on, for the record

    def probability(self, features: Sequence[float]) -> float:
        """How likely the sentence with these features (in FEATURES order) answers."""
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, features, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        """The ranker as the JSON file stores it."""
        named = dict(zip(FEATURES, self.weights, strict=True))
        return json.dumps(
            {
                "embedding": self.embedding,
                "features": list(FEATURES),
                "mean": list(self.mean),
                "scale": list(self.scale),
                "weights": named,
                "bias": self.bias,
                "trained_on": self.trained_on,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> SentenceRanker:
        """A ranker from its JSON; ValueError when it was fitted on other features."""
        data = json.loads(text)
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError("the ranker file was fitted on other features: refit it")
        return cls(
            embedding=str(data["embedding"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            weights=tuple(float(data["weights"][f]) for f in FEATURES),
            bias=float(data["bias"]),
            trained_on=str(data.get("trained_on", "")),
        )


def fit(rows: Sequence[Sequence[float]], labels: Sequence[bool], embedding: str) -> SentenceRanker:
    """A ridge-penalized logistic regression fitted by Newton's method."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(FEATURES) or len(set(labels)) != 2:
        raise ValueError("fit needs rows of every feature and both labels")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = L2 * np.eye(len(w))
    penalty[-1, -1] = 0.0  # the bias is not penalized
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return SentenceRanker(
        embedding=embedding,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=tuple(float(v) for v in w[:-1]),
        bias=float(w[-1]),
    )


@lru_cache(maxsize=4)
def load_ranker(embedding: str, path: Path = RANKER_FILE) -> SentenceRanker | None:
    """The fitted ranker for this embedding id, or None (no file, or another embedding)."""
    try:
        ranker = SentenceRanker.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return ranker if ranker.embedding == embedding else None
