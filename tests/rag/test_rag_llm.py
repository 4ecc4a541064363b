"""The LLM path, with LangChain's fake chat models: it rephrases, and falls back on failure."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import Field

from bot.rag.knowledge import KnowledgeBase
from bot.rag.llm import SYSTEM_PROMPT
from bot.settings import Settings


class RecordingChat(GenericFakeChatModel):
    """A fake chat model that also keeps the messages it was sent."""

    seen: list[list[BaseMessage]] = Field(default_factory=list)

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        self.seen.append(messages)
        return super()._generate(messages, *args, **kwargs)


class BrokenChat(GenericFakeChatModel):
    """A chat model whose provider is down."""

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        raise ConnectionError("provider unreachable")


def replies(*texts: str) -> Any:
    return iter([AIMessage(content=t) for t in texts])


def test_the_llm_writes_the_answer_from_numbered_context(settings: Settings) -> None:
    chat = RecordingChat(messages=replies("A run costs $500-$5000+ [1]."))
    answer = KnowledgeBase(settings, chat_model=chat).answer("how much does ft cost")
    assert answer.mode == "llm"
    assert answer.answer == "A run costs $500-$5000+ [1]."
    assert answer.sources[0].section == "ft-cost"
    system, human = chat.seen[0]
    assert system.content == SYSTEM_PROMPT
    assert "ONLY the numbered context" in SYSTEM_PROMPT
    assert str(human.content).startswith(
        "Context:\n\n[1] Fine-tuning basics > What a training run costs"
    )
    assert str(human.content).endswith("Question: how much does ft cost")


def test_every_context_passage_is_a_numbered_source(settings: Settings) -> None:
    chat = RecordingChat(messages=replies("See [1] and [2]."))
    answer = KnowledgeBase(settings, chat_model=chat).answer("how much does ft cost")
    prompt = str(chat.seen[0][1].content)
    for n, source in enumerate(answer.sources, start=1):
        assert f"[{n}] {source.text}" in prompt


@pytest.mark.parametrize(
    "chat",
    [
        BrokenChat(messages=replies()),
        GenericFakeChatModel(messages=replies("   ")),
        FakeListChatModel(responses=["too late"], sleep=2.0),
    ],
    ids=["provider-error", "empty-reply", "timeout"],
)
def test_a_failing_llm_falls_back_to_the_extractive_answer(settings: Settings, chat: Any) -> None:
    quick = settings.model_copy(update={"llm_timeout_s": 0.1})
    answer = KnowledgeBase(quick, chat_model=chat).answer("how much does ft cost")
    assert answer.mode == "extractive"
    assert "$500-$5000+" in answer.answer and not answer.abstained


def test_an_unknown_llm_model_id_falls_back_to_extractive(settings: Settings) -> None:
    configured = settings.model_copy(update={"llm_model": "nosuchprovider:some-model"})
    answer = KnowledgeBase(configured).answer("whats lora")
    assert answer.mode == "extractive" and "Low-Rank Adaptation" in answer.answer


def test_the_llm_is_not_asked_when_the_question_is_off_topic(settings: Settings) -> None:
    chat = RecordingChat(messages=replies("The wifi password is hunter2."))
    answer = KnowledgeBase(settings, chat_model=chat).answer("whats the wifi password")
    assert answer.abstained and chat.seen == []


@pytest.mark.parametrize(
    "written",
    [
        "A run costs about $300 [1].",  # a figure the passages do not hold
        "A run costs $500-$5000+ [7].",  # a passage that does not exist
    ],
    ids=["invented-figure", "cites-a-missing-passage"],
)
def test_an_llm_answer_that_is_not_grounded_is_replaced_by_the_extractive_one(
    settings: Settings, written: str
) -> None:
    chat = RecordingChat(messages=replies(written))
    answer = KnowledgeBase(settings, chat_model=chat).answer("how much does ft cost")
    assert chat.seen  # the model was asked
    assert answer.mode == "extractive" and "$500-$5000+" in answer.answer


def test_figures_from_the_question_count_as_grounded(settings: Settings) -> None:
    chat = RecordingChat(messages=replies("300 examples is above the 100 minimum [1]."))
    answer = KnowledgeBase(settings, chat_model=chat).answer("is 300 examples enough to ft?")
    assert answer.mode == "llm"


def test_a_two_part_question_gives_the_model_both_parts_sections(settings: Settings) -> None:
    chat = RecordingChat(messages=replies("LoRA trains a part [1]; a run costs $500 [2]."))
    answer = KnowledgeBase(settings, chat_model=chat).answer(
        "whats lora? and what does a training run cost"
    )
    prompt = str(chat.seen[0][1].content)
    assert answer.mode == "llm" and len(chat.seen) == 1  # one call for the whole message
    assert {"faq-lora", "ft-cost"} <= {s.section for s in answer.sources}
    assert prompt.endswith("Question: whats lora? and what does a training run cost")
