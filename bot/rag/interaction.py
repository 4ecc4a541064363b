"""Late interaction: how well a sentence's words meet the question's, in context.

A sentence vector squeezes a whole sentence into one point, so two sentences of one
section ("fine-tuning costs $500-$5000 per run" beside "retrain once a year") sit
close together whatever is asked. Late interaction (as in ColBERT) keeps every word
piece's contextual vector: each content word of the question finds its best match
among the sentence's pieces, and the score is the mean of those best matches. A
question about *how often* then meets "once a year" rather than "per run".

The vectors are MiniLM's final token states (bot.rag.minilm), so nothing new is
installed or downloaded. They cost a model run per text, so the last REMEMBERED
sentences' vectors are kept (as float16); the extractive answer asks only for the few
sentences nearest the question (see bot.rag.extractive).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from bot.rag.text import STOPWORDS


class _Tokens(Protocol):
    @property
    def tokens(self) -> tuple[str, ...]: ...

    @property
    def vectors(self) -> npt.NDArray[np.float32]: ...


class TokenModel(Protocol):
    """What the matcher needs of a model: word pieces and their unit vectors per text."""

    def token_vectors(self, texts: Sequence[str]) -> Sequence[_Tokens]: ...


class Matcher(Protocol):
    """Late-interaction scores of sentences against a question."""

    def scores(self, question: str, sentences: Sequence[str]) -> list[float]: ...


def question_pieces(tokens: Sequence[str]) -> list[int]:
    """Positions of the question's content words: pieces that start a word and are
    neither punctuation nor a stopword ("how", "the"), else every piece."""
    content = [
        i
        for i, token in enumerate(tokens)
        if token.isalnum() and not token.startswith("##") and token not in STOPWORDS
    ]
    return content or list(range(len(tokens)))


class TokenMatcher:
    """Late-interaction scores of sentences against a question, from a token model
    (thread-safe)."""

    # sentences: about 28 pieces x 384 x 2 bytes each, 11 MB in all (a question's are not
    # kept here: MiniLM hands them over from the run that embedded it, minilm.RECENT)
    REMEMBERED = 512
    WARM_BATCH = 16  # texts per model run when reading ahead (one core at a time)

    def __init__(self, model: TokenModel) -> None:
        self._model = model
        self._known: OrderedDict[str, tuple[tuple[str, ...], npt.NDArray[np.float16]]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def scores(self, question: str, sentences: Sequence[str]) -> list[float]:
        """For each sentence, the mean over the question's content words of their best
        cosine similarity to one of the sentence's word pieces (0 for an empty text)."""
        (asked_vectors,) = self._model.token_vectors([question])
        tokens, asked = asked_vectors.tokens, asked_vectors.vectors
        if not len(asked):
            return [0.0 for _ in sentences]
        found = self._vectors(sentences)
        # at the precision the sentences are kept in, as the ranker was fitted
        wanted = asked[question_pieces(tokens)].astype(np.float16).astype(np.float32)
        out = []
        for sentence in sentences:
            pieces = found[sentence][1]
            if not len(pieces):
                out.append(0.0)
                continue
            similarity = wanted @ pieces.astype(np.float32).T
            out.append(float(similarity.max(axis=1).mean()))
        return out

    def remember(self, texts: Sequence[str], stop: threading.Event | None = None) -> int:
        """Compute and keep the vectors of these texts ahead of questions, a batch at a
        time (until `stop` is set); returns how many were new."""
        new = [t for t in dict.fromkeys(texts) if t not in self._known]
        done = 0
        for start in range(0, len(new), self.WARM_BATCH):
            if stop is not None and stop.is_set():
                break
            batch = new[start : start + self.WARM_BATCH]
            self._vectors(batch)
            done += len(batch)
        return done

    def _vectors(
        self, texts: Sequence[str]
    ) -> dict[str, tuple[tuple[str, ...], npt.NDArray[np.float16]]]:
        with self._lock:
            found = {t: self._known[t] for t in texts if t in self._known}
            for t in found:
                self._known.move_to_end(t)
        new = list(dict.fromkeys(t for t in texts if t not in found))
        if new:
            made = {
                text: (vectors.tokens, vectors.vectors.astype(np.float16))
                for text, vectors in zip(new, self._model.token_vectors(new), strict=True)
            }
            found.update(made)
            with self._lock:
                self._known.update(made)
                while len(self._known) > self.REMEMBERED:
                    self._known.popitem(last=False)
        return found


def token_matcher(backend: str) -> TokenMatcher | None:
    """The matcher on the embedding backend's own model (MiniLM only), or None."""
    if backend != "minilm":
        return None
    from bot.rag.minilm import load_minilm

    return TokenMatcher(load_minilm())
