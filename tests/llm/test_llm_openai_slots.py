"""Slot proposals read by the real langchain-openai client over HTTP: checked before use."""

from __future__ import annotations

import json
from typing import Any

import pytest
from core_fakes import FakeAnswerer, MemoryStore, say
from fake_openai import FakeOpenAI, Step, garbage, reply, status, tool_call

from bot.core.service import Advisor
from bot.engine import decide
from bot.llm.slots import LlmSlotProposer
from bot.settings import Settings

IDLE_DECISION = "should we fine-tune our ticket classifier? it gets roughly two thirds right"


def slots_after(settings: Settings, text: str) -> dict[str, Any]:
    """The dialogue's slots after one message, with the model's proposals merged in."""
    advisor = Advisor(MemoryStore(), FakeAnswerer(), decide, proposer=LlmSlotProposer(settings))
    say(advisor, text)
    store = advisor.store
    assert isinstance(store, MemoryStore)
    [(state, _)] = store.states.values()
    return dict(state["slots"])


def test_slots_proposed_through_a_tool_call_fill_what_the_rules_missed(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    openai_server.then(tool_call("SlotProposal", {"task": "classification", "success_rate": 0.67}))
    assert slots_after(llm_settings, IDLE_DECISION) == {
        "task": "classification",
        "success_rate": 0.67,
    }
    sent = openai_server.requests[0]
    [tool] = sent["tools"]
    assert tool["function"]["name"] == "SlotProposal"  # asked as a tool, not a strict schema
    assert "two thirds" in sent["messages"][-1]["content"]


def test_slots_written_as_json_text_instead_of_a_tool_call_are_read(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    text = "```json\n" + json.dumps({"prompt_iterations": 6, "task": None}) + "\n```"
    openai_server.then(reply(text))
    slots = slots_after(llm_settings, "help me decide: we tried a handful of prompts, maybe six")
    assert slots == {"prompt_iterations": 6}


def test_an_invalid_proposed_value_is_dropped_and_the_valid_ones_kept(
    llm_settings: Settings, openai_server: FakeOpenAI
) -> None:
    proposed = {"success_rate": 70, "categories": 0, "task": "astrology", "language": "Japanese"}
    openai_server.then(tool_call("SlotProposal", proposed))
    slots = slots_after(llm_settings, IDLE_DECISION)
    # 70 (percent) becomes a share; zero classes and an unknown task never reach the engine
    assert slots == {"task": "classification", "success_rate": 0.7, "language": "ja"}


@pytest.mark.parametrize(
    "step",
    [
        tool_call("SlotProposal", '{"task": "classification", "success_rate": '),
        tool_call("SlotProposal", {"success_rate": "two thirds-ish"}),
        reply("I think it's about 70% but who knows"),
        garbage(),
        status(500),
    ],
    ids=["broken-json-arguments", "wrong-type", "prose", "garbage-body", "server-error"],
)
def test_garbage_from_the_model_proposes_nothing(
    llm_settings: Settings, openai_server: FakeOpenAI, step: Step
) -> None:
    no_retry = llm_settings.model_copy(update={"llm_max_retries": 0})
    openai_server.then(step)
    assert slots_after(no_retry, IDLE_DECISION) == {"task": "classification"}
    assert openai_server.calls == 1
