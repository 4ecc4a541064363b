"""The core's view of its collaborators: small Protocols, wired in bot.bootstrap."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from bot.core.messages import ConversationKey, Inbound, Reply
from bot.engine.models import Citation, DecisionInput

# A chunk's text starts with its heading path: "Doc title > Section > Sub-heading".
HEADING_PATH_SEPARATOR = " > "


class Source(BaseModel):
    """A retrieved knowledge-base chunk an answer used."""

    id: str = Field(description="Stable chunk id (content hash)")
    title: str = Field(description="Document title")
    section: str = Field(description="Section id from the document's front matter, or heading slug")
    path: str = Field(description="File path relative to the knowledge folder")
    score: float
    text: str

    @property
    def heading(self) -> str:
        """The heading of the section this chunk comes from (the title for an intro)."""
        heading_path = self.text.split("\n", 1)[0].strip()
        prefix = f"{self.title}{HEADING_PATH_SEPARATOR}"
        if heading_path.startswith(prefix):
            return heading_path[len(prefix) :]
        return heading_path or self.title

    def citation(self) -> Citation:
        """This source as a Citation: section id, section heading, file."""
        return Citation(section=self.section, title=self.heading, path=self.path)


class Answer(BaseModel):
    """A grounded answer to a question. Shape of `advisor ask --json`."""

    answer: str
    abstained: bool
    mode: Literal["extractive", "llm"]
    sources: list[Source]


class KnowledgeUnavailable(RuntimeError):
    """The knowledge index cannot be reached (e.g. the Chroma server is down)."""


class Answerer(Protocol):
    def answer(self, question: str) -> Answer:
        """Answer from the knowledge base, or abstain. May raise KnowledgeUnavailable."""
        ...


class SlotProposer(Protocol):
    def propose(self, text: str, pending: str | None) -> dict[str, Any]:
        """Slot values a message may state, unchecked (an LLM's reading); {} when none."""
        ...


class ConversationCore(Protocol):
    """What every channel adapter calls."""

    def handle(self, inbound: Inbound) -> list[Reply]:
        """One step of a conversation: never raises for bad user input."""
        ...

    def slots(self, key: ConversationKey) -> DecisionInput:
        """The slots filled so far in a conversation (to prefill a form)."""
        ...

    def validate_form(self, form: dict[str, Any]) -> dict[str, str]:
        """Errors by slot name for a submitted form; empty when it is valid."""
        ...
