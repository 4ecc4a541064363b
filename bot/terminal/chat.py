"""The terminal chat: a thin adapter from lines typed to the conversation core and back.

Quick replies show as a numbered list (typing "1" picks the first), like Rasa's
console channel; `--json` prints one object per reply for scripts and tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from rich.console import Console
from rich.markdown import Markdown
from rich.text import Text

from bot.core.messages import ConversationKey, Inbound, Reply, ReplyKind
from bot.core.moves import DETAILS_HINT
from bot.core.ports import ConversationCore
from bot.terminal.recommendation import render_changes, render_recommendation

# Slots whose choices are the answers themselves, so a typed number picks one.
NUMBERED = ("task", "failure_cause")
QUIT = {"quit", "exit", "/quit", "/exit", ":q", "bye"}
BANNER = (
    "[bold]Advisor[/] — ask a question, or describe your AI feature for a recommendation. "
    "Type [bold]help[/] for more, [bold]quit[/] to leave."
)


class ChatSession:
    """One terminal conversation: turns typed lines into Inbound messages."""

    def __init__(self, core: ConversationCore, key: ConversationKey) -> None:
        self.core = core
        self.key = key
        self._question: Reply | None = None

    def send(self, line: str) -> list[Reply]:
        """Hand one typed line to the core; returns its replies."""
        replies = self.core.handle(self.to_inbound(line))
        asked = [r for r in replies if r.slot is not None and r.choices]
        self._question = asked[-1] if asked else None
        return replies

    def to_inbound(self, line: str) -> Inbound:
        """A typed line as an Inbound: a number picks a numbered choice of the last question."""
        text = line.strip()
        question = self._question
        if question is not None and question.slot in NUMBERED and text.isdigit():
            options = question.choices
            index = int(text) - 1
            if 0 <= index < len(options):
                choice = options[index]
                return Inbound(
                    key=self.key,
                    text=choice.label,
                    action="slot",
                    slot=question.slot,
                    value=choice.value,
                )
        return Inbound(key=self.key, text=text)


def reply_json(reply: Reply, slots: dict[str, Any]) -> str:
    """One reply as the `--json` line: text, the slots filled so far, the recommendation."""
    rec = reply.recommendation.model_dump(mode="json") if reply.recommendation else None
    return json.dumps(
        {"text": reply.text, "slots": slots, "recommendation": rec}, ensure_ascii=False
    )


def render(console: Console, reply: Reply) -> None:
    """Print one reply: markdown text, numbered choices, the recommendation card, sources."""
    style = "red" if reply.kind is ReplyKind.error else None
    console.print(Markdown(reply.text), style=style)
    if reply.slot in NUMBERED and reply.choices:
        for number, choice in enumerate(reply.choices, start=1):
            console.print(Text(f"  {number}. {choice.label}", style="cyan"))
    elif reply.choices:
        hints = " · ".join(c.label.lower() for c in reply.choices)
        console.print(Text(f"  (or: {hints})", style="dim"))
    if reply.changes:
        console.print(render_changes(reply.changes))
    if reply.kind is ReplyKind.what_if:  # compact: what moved; "details" shows the full card
        console.print(Markdown(f"_{DETAILS_HINT}_"), style="dim")
    elif reply.recommendation is not None:
        console.print(render_recommendation(reply.recommendation))
    elif reply.citations:
        console.print(Text("Sources:", style="bold"))
        for number, cite in enumerate(reply.citations, start=1):
            console.print(Text(f"  [{number}] {cite.title} ({cite.path}#{cite.section})"))
    console.print()


def run_chat(
    session: ChatSession,
    lines: Iterable[str],
    out: TextIO,
    *,
    json_mode: bool,
    console: Console | None = None,
) -> int:
    """Send each non-empty line and print the replies; stops at quit or end of input."""
    console = console or Console(file=out, highlight=False)
    for line in lines:
        text = line.rstrip("\r\n")
        if text.strip().lower() in QUIT:
            break
        if not text.strip():
            continue
        replies = session.send(text)
        if json_mode:
            slots = session.core.slots(session.key)
            filled = slots.model_dump(mode="json", exclude_unset=True, exclude_none=True)
            for reply in replies:
                out.write(reply_json(reply, filled) + "\n")
            out.flush()
        else:
            for reply in replies:
                render(console, reply)
    return 0


def prompted_lines(console: Console) -> Iterable[str]:
    """Lines typed at an interactive prompt, until Ctrl-D or Ctrl-C."""
    while True:
        try:
            yield console.input("[bold cyan]you ›[/] ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
