"""In the terminal a what-if shows what moved; typing "details" shows its full card."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from rich.console import Console

from bot.core.messages import ConversationKey
from bot.core.service import Advisor
from bot.engine import decide
from bot.terminal.chat import ChatSession, run_chat

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from core_fakes import FakeAnswerer, MemoryStore

KEY = ConversationKey(workspace="local", channel="terminal", thread="what-if", user="me")
LINES = [
    "should we fine-tune our ticket classifier? prompts get 7/10 right after 4 rounds, "
    "we have ~300 labeled tickets across 10 categories, about 50k requests a month",
    "wrong JSON format",
    "just decide",
]
# Headings only the full card has.
CARD_SECTIONS = ("Next steps", "Cost over time", "Sources", "What would change it")


def typed(lines: list[str]) -> list[str]:
    """What the terminal prints for each of these lines, one printout per line."""
    session = ChatSession(Advisor(MemoryStore(), FakeAnswerer(), decide), KEY)
    printed = []
    for line in lines:
        out = io.StringIO()
        console = Console(file=out, width=100, color_system=None)
        run_chat(session, [line], out, json_mode=False, console=console)
        printed.append(" ".join(out.getvalue().split()))
    return printed


def test_a_what_if_prints_what_moved_not_the_whole_card() -> None:
    *_, decided, what_if = typed([*LINES, "what if we had 1000 examples?"])

    assert all(section in decided for section in CARD_SECTIONS)
    assert "Fine-tune: your best prompt is stuck at 70%" in what_if
    assert "What changed" in what_if
    assert "Approach: Collect training data first → Fine-tune" in what_if
    assert "• No longer: A classifier with 10 categories needs" in what_if
    assert "fine-tuning $3,960 → $4,012" in what_if
    assert "Say details for the full recommendation." in what_if
    assert not any(section in what_if for section in CARD_SECTIONS)


def test_details_after_a_what_if_prints_the_full_card_of_that_what_if() -> None:
    *_, full = typed([*LINES, "what if we had 1000 examples?", "details"])

    assert "labeled examples 1,000 instead of 300" in full
    assert all(section in full for section in CARD_SECTIONS)
    assert "Fine-tune [fine_tune]" in full
    assert "Set aside a hold-out set (about 20% of your 1,000 examples)" in full
