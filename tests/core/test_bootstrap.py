"""The composition root: real store and engine, a knowledge base built on first question."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_fakes import KEY, FakeAnswerer, say

from bot.bootstrap import LazyAnswerer, build_core
from bot.core.messages import ReplyKind
from bot.core.ports import Answerer, KnowledgeUnavailable
from bot.core.service import KNOWLEDGE_DOWN
from bot.settings import Settings


def test_build_core_keeps_state_in_a_sqlite_file_under_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=None)
    core = build_core(settings, answerer=FakeAnswerer())
    [reply] = say(core, "we classify tickets and get 7/10 right")
    core.close()

    assert reply.kind is ReplyKind.question
    assert (tmp_path / "data" / "advisor.db").exists()
    assert build_core(settings, answerer=FakeAnswerer()).slots(KEY).success_rate == 0.7


def test_a_missing_knowledge_folder_is_a_friendly_message_and_decisions_still_work(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path, knowledge_dir=tmp_path / "none", database_url=None)
    core = build_core(settings)

    [down] = say(core, "what does fine-tuning cost?")
    [question] = say(core, "help me decide")

    assert down.text == KNOWLEDGE_DOWN
    assert question.kind is ReplyKind.question


class CountingFactory:
    def __init__(self, failures: int) -> None:
        self.calls = 0
        self.failures = failures

    def __call__(self) -> Answerer:
        self.calls += 1
        if self.calls <= self.failures:
            raise OSError("index folder is not readable")
        return FakeAnswerer()


def test_the_knowledge_base_is_built_on_the_first_question_only() -> None:
    factory = CountingFactory(failures=0)
    lazy = LazyAnswerer(factory)
    assert factory.calls == 0

    lazy.answer("what is lora?")
    lazy.answer("what is rag?")

    assert factory.calls == 1


def test_a_failed_build_is_unavailable_and_retried_on_the_next_question() -> None:
    factory = CountingFactory(failures=1)
    lazy = LazyAnswerer(factory)

    with pytest.raises(KnowledgeUnavailable):
        lazy.answer("what is lora?")
    assert not lazy.answer("what is lora?").abstained
    assert factory.calls == 2
