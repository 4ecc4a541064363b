"""Streamed LLM answers over real HTTP: Slack events in, the real OpenAI client to a fake model.

The answer appears in the thread as the model writes it (chat.startStream/appendStream),
then the streamed message is replaced in place (chat.update) by the checked answer with
its citations: the model's own text when grounded, the extractive answer when not.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import slack_payloads as P
from fake_slack import Call, FakeSlack
from slack_harness import REPO, AppServer, SlackSender, make_core, settle

from bot.bootstrap import GuardedAnswerer
from bot.rag.knowledge import KnowledgeBase
from bot.settings import Settings
from bot.slack.http import wsgi_app

sys.path.insert(0, str(Path(__file__).parents[1] / "llm"))
from fake_openai import FakeOpenAI, held_stream, reply, running_fake_openai

pytest.importorskip("langchain_openai")

QUESTION = "whats lora"
GROUNDED = (
    "LoRA (Low-Rank Adaptation) trains small adapter matrices while the base model's "
    "weights stay frozen [1]."
)
INVENTED = "LoRA cuts what a training run costs to exactly $12,345 [1]."
STREAM_METHODS = ("chat.startStream", "chat.appendStream", "chat.stopStream")


@pytest.fixture(scope="module")
def chroma_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge base, indexed once for this module."""
    path = tmp_path_factory.mktemp("streaming-index") / "chroma"
    settings = Settings(_env_file=None, knowledge_dir=REPO / "knowledge", chroma_path=path)  # type: ignore[call-arg]
    KnowledgeBase(settings).load()
    return path


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-dummy")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with running_fake_openai() as fake:
        yield fake


@contextmanager
def app_in_llm_mode(
    settings: Settings, chroma_path: Path, model: FakeOpenAI
) -> Iterator[SlackSender]:
    """The app in LLM mode (openai:gpt-4o-mini at the fake model) over the real core."""
    llm = settings.model_copy(
        update={
            "chroma_path": chroma_path,
            "llm_model": "openai:gpt-4o-mini",
            "llm_base_url": model.url,
            "llm_max_retries": 0,
            "llm_slot_proposals": False,
        }
    )
    core, store = make_core(llm, GuardedAnswerer(KnowledgeBase(llm)))  # as build_core wires it
    wsgi = wsgi_app(llm, core, store)
    with AppServer(wsgi) as server:
        yield SlackSender(server.url)
        settle(wsgi.app)
    store.close()


@pytest.fixture
def sender(settings: Settings, chroma_path: Path, model: FakeOpenAI) -> Iterator[SlackSender]:
    with app_in_llm_mode(settings, chroma_path, model) as running:
        yield running


def streamed_text(slack: FakeSlack) -> str:
    return "".join(c.streamed() for c in slack.calls if c.method in STREAM_METHODS)


def replaced(slack: FakeSlack) -> Call:
    """The chat.update that replaced the streamed message (same ts as the stream)."""
    [update] = slack.wait_for_method("chat.update")
    [stop] = slack.calls_to("chat.stopStream")
    assert update.params["ts"] == stop.params["ts"]
    return update


def test_the_first_words_reach_slack_before_the_model_has_finished(
    sender: SlackSender, slack: FakeSlack, model: FakeOpenAI
) -> None:
    gate = threading.Event()
    first, rest = GROUNDED[:50], GROUNDED[50:]
    model.then(held_stream([first], [rest], gate))

    sender.event(P.app_mention(QUESTION, ts="1700.000100"))

    [start] = slack.wait_for_method("chat.startStream")
    assert start.streamed() == first  # while the model still holds the rest of its answer
    assert start.params["thread_ts"] == "1700.000100"
    assert start.params["recipient_user_id"] == P.USER
    assert not slack.calls_to("chat.stopStream") and not slack.calls_to("chat.postMessage")
    gate.set()

    update = replaced(slack)
    assert streamed_text(slack) == GROUNDED
    assert "small adapter matrices" in update.params["text"]
    assert any(b["type"] == "context" for b in update.blocks())  # its citations
    assert slack.calls_to("chat.postMessage") == []  # replaced in place, not posted again


def test_an_ungrounded_streamed_answer_is_replaced_by_the_extractive_one(
    sender: SlackSender, slack: FakeSlack, model: FakeOpenAI
) -> None:
    model.then(reply(INVENTED, pieces=3))

    sender.event(P.dm_message(QUESTION, ts="1700.000300", thread_ts="1700.000200"))

    update = replaced(slack)
    assert "$12,345" in streamed_text(slack)  # shown while written...
    assert "12,345" not in update.params["text"] + update.block_text()  # ...then replaced
    assert "Low-Rank" in update.params["text"]
    assert any(b["type"] == "context" for b in update.blocks())
    assert slack.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("error", ["unknown_method", "not_allowed"])
def test_where_slack_cannot_stream_the_answer_is_posted_plainly(
    sender: SlackSender, slack: FakeSlack, model: FakeOpenAI, error: str
) -> None:
    slack.reply_error("chat.startStream", error)
    model.then(reply(GROUNDED, pieces=4))

    sender.event(P.app_mention(QUESTION, ts="1700.000400"))

    [post] = slack.wait_for_method("chat.postMessage")
    assert "small adapter matrices" in post.params["text"]
    assert post.params["thread_ts"] == "1700.000400"
    assert not slack.calls_to("chat.update") and not slack.calls_to("chat.appendStream")


def test_a_private_slash_command_reply_is_not_streamed(
    sender: SlackSender, slack: FakeSlack, model: FakeOpenAI
) -> None:
    model.then(reply(GROUNDED, pieces=4))

    sender.command(P.slash_command(f"ask {QUESTION}", slack.hook_url()))

    [hook] = slack.wait_for_method("response_url")
    assert "small adapter matrices" in str(hook.params)
    assert not any(c.method in STREAM_METHODS for c in slack.calls)


def test_a_model_that_stalls_mid_stream_is_replaced_and_cannot_append_afterwards(
    settings: Settings, chroma_path: Path, model: FakeOpenAI, slack: FakeSlack
) -> None:
    gate = threading.Event()
    late = INVENTED[45:] + " More words it wrote after its time was up, far too late."
    model.then(held_stream([INVENTED[:45]], [late], gate))  # the late part would flush
    quick = settings.model_copy(update={"llm_timeout_s": 1.0})
    with app_in_llm_mode(quick, chroma_path, model) as quick_sender:
        quick_sender.event(P.app_mention(QUESTION, ts="1700.000500"))
        update = replaced(slack)  # after LLM_TIMEOUT_S, the extractive answer
        assert "Low-Rank" in update.params["text"]
        gate.set()  # the model finishes late: nothing more reaches the thread
        calls_before = len(slack.calls)
        model.stopping.wait(0.5)
    assert len(slack.calls) == calls_before
