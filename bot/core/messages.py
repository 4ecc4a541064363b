"""What goes into the core (`Inbound`) and what comes out (`Reply`).

Slack and the terminal translate their events into `Inbound` and render
`Reply` objects as Block Kit or text; nothing else crosses the boundary.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.models import Citation, DecisionInput, Recommendation


class ConversationKey(BaseModel):
    """Identifies one conversation: a Slack thread, a DM thread, or a terminal session."""

    model_config = ConfigDict(frozen=True)

    workspace: str = "local"
    channel: str = "terminal"
    thread: str = ""
    user: str = "local"

    @property
    def id(self) -> str:
        """Stable string key for stores. A thread is one conversation, whoever writes in it."""
        return f"{self.workspace}:{self.channel}:{self.thread or '-'}"


class Said(BaseModel):
    """One earlier message of a thread: who wrote it (as the channel shows a person) and what."""

    author: str
    text: str


class ThreadContext(BaseModel):
    """The earlier messages of the thread a message brings Advisor into, read by the channel."""

    messages: list[Said] = Field(default_factory=list, description="By people, oldest first")
    partial: bool = Field(False, description="Only the most recent messages of a long thread")
    cut_short: bool = Field(False, description="Slack stopped answering part way through")
    unreadable: str | None = Field(None, description="Why it could not be read: one line to say")


class Inbound(BaseModel):
    """One thing a person did: wrote text, pressed a button, or submitted a form."""

    key: ConversationKey
    text: str = ""
    action: str | None = Field(
        None, description="A button's action, e.g. 'slot', 'start_over', 'decide', 'skip'"
    )
    slot: str | None = Field(None, description="The slot a button or choice sets")
    value: str | None = Field(None, description="A button's value")
    form: dict[str, Any] | None = Field(None, description="Submitted form values by slot name")
    thread: ThreadContext | None = Field(
        None, description="The thread's earlier messages, when this message brings Advisor in"
    )


class ReplyKind(StrEnum):
    answer = "answer"  # a knowledge-base answer with citations
    abstain = "abstain"  # the knowledge base does not cover the question
    question = "question"  # the dialogue asks for one slot
    summary = "summary"  # what was understood so far
    recommendation = "recommendation"
    what_if = "what_if"  # a recommendation re-run with one slot changed
    help = "help"
    info = "info"  # acknowledgements: started over, skipped, ...
    error = "error"  # friendly explanation of bad input; nothing entered is lost


class Choice(BaseModel):
    """A quick reply: a Slack button, a numbered option in the terminal."""

    label: str
    value: str


class Reply(BaseModel):
    """One message from Advisor."""

    kind: ReplyKind
    text: str = Field(description="Markdown; adapters convert it (Slack mrkdwn, rich)")
    citations: list[Citation] = Field(default_factory=list)
    slot: str | None = Field(None, description="The slot a question asks for")
    choices: list[Choice] = Field(default_factory=list)
    recommendation: Recommendation | None = None
    slots: DecisionInput | None = Field(None, description="Slots filled so far, when in a dialogue")
    changes: list[str] = Field(default_factory=list, description="What a what-if changed")
