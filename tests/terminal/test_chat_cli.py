"""`advisor chat`: piped stdin, --json, --session, numbered choices, friendly errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from bot.core.messages import ConversationKey, Reply, ReplyKind
from bot.core.service import Advisor
from bot.engine import decide
from bot.engine.models import Citation, DecisionInput
from bot.terminal.chat import ChatSession, render, run_chat

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from core_fakes import FakeAnswerer, MemoryStore

ONE_MESSAGE = (
    "should we fine-tune our ticket classifier? prompts get 7/10 right after 4 rounds, "
    "we have ~300 labeled tickets across 10 categories"
)
KEY = ConversationKey(workspace="local", channel="terminal", thread="test", user="me")


def chat(tmp_path: Path, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CHROMA_HOST")}
    env.update(DATA_DIR=str(tmp_path / "data"), KNOWLEDGE_DIR=str(tmp_path / "no-knowledge"))
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_piped_json_prints_one_object_per_reply_with_slots_and_recommendation(
    tmp_path: Path,
) -> None:
    result = chat(tmp_path, "--json", stdin=f"{ONE_MESSAGE}\n\nthe answers are outdated\n")

    assert result.returncode == 0, result.stderr
    question, rec = json_lines(result.stdout)
    assert set(question) == set(rec) == {"text", "slots", "recommendation"}
    assert question["recommendation"] is None
    assert question["slots"] == {
        "task": "classification",
        "success_rate": 0.7,
        "test_cases": 10,
        "prompt_iterations": 4,
        "labeled_examples": 300,
        "categories": 10,
    }
    assert rec["slots"]["failure_cause"] == "knowledge"
    expected = decide(DecisionInput.model_validate(rec["slots"])).model_dump(mode="json")
    assert rec["recommendation"] == expected


def test_piped_text_shows_numbered_choices_and_typing_a_number_picks_one(tmp_path: Path) -> None:
    result = chat(tmp_path, stdin=f"{ONE_MESSAGE}\n1\n")

    assert result.returncode == 0, result.stderr
    assert "1. Missing knowledge / facts" in result.stdout
    assert "Recommendation: Add retrieval (RAG)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_named_session_resumes_where_it_stopped(tmp_path: Path) -> None:
    chat(tmp_path, "--json", "--session", "ticket-bot", stdin=ONE_MESSAGE + "\n")

    resumed = chat(tmp_path, "--json", "--session", "ticket-bot", stdin="wrong JSON format\n")

    [reply, *_] = json_lines(resumed.stdout)
    assert reply["slots"]["labeled_examples"] == 300
    assert reply["slots"]["failure_cause"] == "format"


def test_a_bad_session_name_is_a_one_line_error(tmp_path: Path) -> None:
    result = chat(tmp_path, "--session", "no spaces please", stdin="")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("advisor chat: --session must be")
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_is_a_one_line_error(tmp_path: Path) -> None:
    env_url = "postgresql://advisor:pw-not-shown@127.0.0.1:1/advisor"
    env = {**os.environ, "DATABASE_URL": env_url, "DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--json"],
        input="hi\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert "cannot open the database" in result.stderr
    assert "pw-not-shown" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def session() -> ChatSession:
    return ChatSession(Advisor(MemoryStore(), FakeAnswerer(), decide), KEY)


def test_a_number_picks_a_numbered_choice(session: ChatSession) -> None:
    session.send(ONE_MESSAGE)
    inbound = session.to_inbound("2")
    assert (inbound.action, inbound.slot, inbound.value) == ("slot", "failure_cause", "format")


@pytest.mark.parametrize("typed", ["0", "99", "two"])
def test_other_input_after_a_choice_question_is_sent_as_text(
    session: ChatSession, typed: str
) -> None:
    session.send(ONE_MESSAGE)
    inbound = session.to_inbound(typed)
    assert (inbound.action, inbound.text) == (None, typed)


def test_a_number_answers_a_numeric_question(session: ChatSession) -> None:
    session.send("help me decide")
    assert session.to_inbound("7").action is None


def test_run_chat_stops_at_quit_and_skips_blank_lines(session: ChatSession) -> None:
    out = io.StringIO()
    run_chat(
        session, ["\n", "we summarize papers\n", "quit\n", "never sent\n"], out, json_mode=True
    )
    assert len(json_lines(out.getvalue())) == 1


def test_answers_list_their_sources() -> None:
    out = io.StringIO()
    cite = Citation(section="faq-lora", title="FAQ: what LoRA is", path="faq.md")
    render(
        Console(file=out, width=100),
        Reply(kind=ReplyKind.answer, text="LoRA is…", citations=[cite]),
    )
    assert "[1] FAQ: what LoRA is (faq.md#faq-lora)" in out.getvalue()
