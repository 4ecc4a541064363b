"""The embedding memory the message readers share: same vectors, fewer model calls, bounded."""

from __future__ import annotations

import threading

from bot.core.nearest import REMEMBER_UP_TO, RememberingEncoder, default_encoder


class CountingEncoder:
    """A stand-in model: a text's vector is its length and its vowel count; calls are counted."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return [vector(t) for t in texts]


def vector(text: str) -> list[float]:
    return [float(len(text)), float(sum(c in "aeiou" for c in text))]


def test_a_text_embedded_again_is_not_sent_to_the_model_and_gets_the_same_vector() -> None:
    inner = CountingEncoder()
    encoder = RememberingEncoder(inner)
    first = encoder.embed_documents(["wrong vendor jargon", "format"])
    again = encoder.embed_documents(["format", "a new clause", "format"])
    assert again == [first[1], vector("a new clause"), first[1]]
    assert inner.calls == [["wrong vendor jargon", "format"], ["a new clause"]]


def test_the_memory_is_bounded_and_forgets_the_least_recently_used_text() -> None:
    inner = CountingEncoder()
    encoder = RememberingEncoder(inner, size=2)
    encoder.embed_documents(["one"])
    encoder.embed_documents(["two"])
    encoder.embed_documents(["one"])  # "one" is now the most recent
    encoder.embed_documents(["three"])  # forgets "two"
    encoder.embed_documents(["one", "two"])
    assert inner.calls == [["one"], ["two"], ["three"], ["two"]]


def test_a_training_set_passes_straight_through_without_filling_the_memory() -> None:
    inner = CountingEncoder()
    encoder = RememberingEncoder(inner)
    texts = [f"example {i}" for i in range(REMEMBER_UP_TO + 1)]
    encoder.embed_documents(texts)
    encoder.embed_documents(texts[:1])
    assert inner.calls == [texts, texts[:1]]


def test_a_vector_handed_out_cannot_change_what_is_remembered() -> None:
    encoder = RememberingEncoder(CountingEncoder())
    encoder.embed_documents(["format"])[0][0] = 99.0
    assert encoder.embed_documents(["format"]) == [[6.0, 2.0]]


def test_threads_reading_at_once_all_get_the_right_vectors() -> None:
    encoder = RememberingEncoder(CountingEncoder(), size=8)
    texts = [f"clause number {i}" for i in range(20)]
    wrong: list[str] = []

    def read(offset: int) -> None:
        for i in range(200):
            text = texts[(i + offset) % len(texts)]
            if encoder.embed_documents([text]) != [vector(text)]:
                wrong.append(text)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_the_bundled_model_gives_the_same_vector_alone_as_in_any_batch() -> None:
    """What makes remembering exact: WordLlama pools each text on its own."""
    model = default_encoder()
    assert isinstance(model, RememberingEncoder)
    texts = ["format", "prompts get 6/10 right on 30 tests", "it keeps misusing our vendor jargon"]
    batch = model.inner.embed_documents(texts)
    alone = [model.inner.embed_documents([text])[0] for text in texts]
    assert batch == alone
    assert model.embed_documents(list(reversed(texts))) == list(reversed(batch))
