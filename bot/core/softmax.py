"""A multinomial logistic regression small enough to fit when a reader is built.

Fitted by plain gradient descent with L2 shrinkage on a few hundred rows of a dozen
features: a few milliseconds, deterministic, numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STEPS = 2000
RATE = 0.5
SHRINK = 1e-3  # L2 on the weights, so no single feature decides alone


@dataclass(frozen=True)
class Softmax:
    """Weights and biases of a fitted model."""

    weights: np.ndarray  # features x classes
    bias: np.ndarray  # classes

    @classmethod
    def fit(cls, rows: np.ndarray, targets: np.ndarray, classes: int) -> Softmax:
        """The model that best predicts `targets` (class indices) from `rows`."""
        x = np.asarray(rows, dtype=np.float64)
        onehot = np.eye(classes)[targets]
        weights = np.zeros((x.shape[1], classes))
        bias = np.zeros(classes)
        for _ in range(STEPS):
            error = _softmax(x @ weights + bias) - onehot
            weights -= RATE * (x.T @ error / len(x) + SHRINK * weights)
            bias -= RATE * error.mean(axis=0)
        return cls(weights, bias)

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """Each row's probability of each class."""
        return _softmax(np.asarray(rows, dtype=np.float64) @ self.weights + self.bias)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    out: np.ndarray = shifted / shifted.sum(axis=1, keepdims=True)
    return out
