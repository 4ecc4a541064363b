"""Answers written by the real langchain-openai client, over HTTP, against the fake server."""

from __future__ import annotations

import time

import pytest
from fake_openai import FakeOpenAI, garbage, hang, reply, status

from bot.llm.runner import provider_options
from bot.llm.sink import streaming_to
from bot.rag.knowledge import KnowledgeBase
from bot.rag.llm import SYSTEM_PROMPT
from bot.settings import Settings

QUESTION = "how much does ft cost"
GROUNDED = "A training run costs $500-$5000+ [1]."


def ask(settings: Settings, question: str = QUESTION) -> tuple[str, str]:
    answer = KnowledgeBase(settings).answer(question)
    return answer.mode, answer.answer


def test_a_grounded_answer_from_the_model_is_used(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    openai_server.then(reply(GROUNDED))
    assert ask(llm_settings) == ("llm", GROUNDED)
    sent = openai_server.requests[0]
    assert sent["model"] == "gpt-4o-mini" and not sent.get("stream")
    assert sent["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert sent["messages"][1]["content"].endswith(f"Question: {QUESTION}")


def test_an_answer_with_an_invented_figure_falls_back_to_the_extractive_answer(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    openai_server.then(reply("A training run costs about $300 [1]."))
    mode, text = ask(llm_settings)
    assert mode == "extractive" and "$500-$5000+" in text and "$300" not in text


def test_a_hung_model_falls_back_within_the_timeout(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    quick = llm_settings.model_copy(update={"llm_timeout_s": 1.0, "llm_max_retries": 0})
    openai_server.then(hang(30))
    started = time.monotonic()
    mode, text = ask(quick)
    assert mode == "extractive" and "$500-$5000+" in text
    assert time.monotonic() - started < 1.0 + 2.0  # the timeout, plus retrieval's own time


def test_a_rate_limit_is_retried_after_the_time_it_asks_for(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    openai_server.then(status(429, {"retry-after-ms": "200"}), reply(GROUNDED))
    assert ask(llm_settings) == ("llm", GROUNDED)
    assert openai_server.calls == 2


def test_retries_are_bounded_by_llm_max_retries(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    limited = status(429, {"retry-after-ms": "50"})
    openai_server.then(limited, limited, limited, reply(GROUNDED))
    mode, _ = ask(llm_settings)  # llm_max_retries=2: three attempts, then the fallback
    assert mode == "extractive" and openai_server.calls == 3


def test_server_errors_and_garbage_bodies_fall_back_to_the_extractive_answer(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    no_retry = llm_settings.model_copy(update={"llm_max_retries": 0})
    openai_server.then(status(500), garbage())
    assert ask(no_retry)[0] == "extractive"
    assert ask(no_retry)[0] == "extractive"
    assert openai_server.calls == 2


def test_a_streaming_turn_sends_each_chunk_to_the_sink_and_returns_the_whole_text(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    openai_server.then(reply(GROUNDED, pieces=4))
    chunks: list[str] = []
    with streaming_to(chunks.append):
        mode, text = ask(llm_settings)
    assert (mode, text) == ("llm", GROUNDED)
    assert len(chunks) >= 3 and "".join(chunks) == GROUNDED
    assert openai_server.requests[0]["stream"] is True


def test_a_streamed_answer_that_is_not_grounded_still_falls_back(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    openai_server.then(reply("A training run costs about $300 [1].", pieces=3))
    chunks: list[str] = []
    with streaming_to(chunks.append):
        mode, text = ask(llm_settings)
    assert "".join(chunks) == "A training run costs about $300 [1]."  # shown while written
    assert mode == "extractive" and "$500-$5000+" in text  # then replaced by the channel


def test_an_ollama_style_openai_compatible_server_is_reached_with_its_own_model_name(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    local = llm_settings.model_copy(update={"llm_model": "openai:llama3.1"})
    openai_server.then(reply(GROUNDED))
    assert ask(local) == ("llm", GROUNDED)
    assert openai_server.requests[0]["model"] == "llama3.1"


@pytest.mark.parametrize(
    ("model", "base_url", "expected"),
    [
        ("openai:gpt-4o-mini", None, {"timeout": 5.0, "max_retries": 2}),
        (
            "openai:llama3.1",
            "http://127.0.0.1:11434/v1",
            {"base_url": "http://127.0.0.1:11434/v1", "timeout": 5.0, "max_retries": 2},
        ),
        ("ollama:llama3.1", "http://gpu-box:11434", {"base_url": "http://gpu-box:11434"}),
        ("nosuchprovider:x", None, {}),
    ],
    ids=["openai", "openai-compatible-local", "ollama-base-url-only", "unknown"],
)
def test_the_provider_gets_the_base_url_and_its_own_timeout_and_retries(
    indexed: Settings, model: str, base_url: str | None, expected: dict[str, object]
) -> None:
    settings = indexed.model_copy(
        update={"llm_model": model, "llm_base_url": base_url, "llm_timeout_s": 5.0}
    )
    assert provider_options(settings) == expected
