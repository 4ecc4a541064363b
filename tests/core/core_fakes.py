"""Fakes for the core's collaborators: a knowledge base and an in-memory store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.messages import ConversationKey, Inbound, Reply
from bot.core.ports import Answer, KnowledgeUnavailable, Source
from bot.core.service import Advisor
from bot.engine import decide
from bot.store.base import DecisionRecord, FeedbackRecord


class FakeAnswerer:
    """Answers every question from one made-up section; abstains on 'wifi'; can be down."""

    def __init__(self, *, down: bool = False) -> None:
        self.down = down
        self.questions: list[str] = []

    def answer(self, question: str) -> Answer:
        self.questions.append(question)
        if self.down:
            raise KnowledgeUnavailable("chroma server is down")
        if "wifi" in question.lower():
            return Answer(
                answer="The knowledge base does not cover that.",
                abstained=True,
                mode="extractive",
                sources=[],
            )
        source = Source(
            id="c1",
            title="FAQ",
            section="faq-lora",
            path="faq.md",
            score=0.9,
            text="LoRA fine-tunes only a portion of the model.",
        )
        return Answer(
            answer="LoRA fine-tunes only a portion of the model [1].",
            abstained=False,
            mode="extractive",
            sources=[source, source],
        )


@dataclass
class MemoryStore:
    """The Store protocol in a dict: what the core needs, nothing persisted."""

    states: dict[str, tuple[dict[str, Any], datetime]] = field(default_factory=dict)
    events: set[str] = field(default_factory=set)
    decisions: list[DecisionRecord] = field(default_factory=list)
    feedback: list[FeedbackRecord] = field(default_factory=list)

    def load_state(self, conversation: str) -> dict[str, Any] | None:
        found = self.states.get(conversation)
        return found[0] if found else None

    def save_state(self, conversation: str, state: dict[str, Any]) -> None:
        self.states[conversation] = (state, datetime.now(UTC))

    def delete_state(self, conversation: str) -> None:
        self.states.pop(conversation, None)

    def purge_expired(self, older_than: datetime) -> int:
        old = [k for k, (_, at) in self.states.items() if at < older_than]
        for key in old:
            del self.states[key]
        return len(old)

    def claim_event(self, event_id: str, payload: dict[str, Any] | None = None) -> bool:
        first = event_id not in self.events
        self.events.add(event_id)
        return first

    def finish_event(self, event_id: str) -> None:
        pass

    def renew_events(self, event_ids: Sequence[str], at: datetime) -> None:
        pass

    def take_stale_events(
        self, taken_before: datetime, limit: int = 10, max_attempts: int = 3
    ) -> list[tuple[str, dict[str, Any]]]:
        return []

    def add_feedback(self, record: FeedbackRecord) -> None:
        self.feedback.append(record)

    def list_feedback(self, limit: int = 50) -> list[FeedbackRecord]:
        return self.feedback[-limit:][::-1]

    def record_decision(self, record: DecisionRecord) -> None:
        self.decisions.append(record)

    def recent_decisions(self, user: str, limit: int = 5) -> list[DecisionRecord]:
        return [d for d in self.decisions if d.user == user][-limit:][::-1]

    def close(self) -> None:
        pass


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


KEY = ConversationKey(workspace="T1", channel="C1", thread="1700000000.000100", user="U1")


def make_advisor(store: Any = None, answerer: Any = None, clock: Any = None) -> Advisor:
    """An Advisor with the real engine and fakes around it."""
    return Advisor(
        store if store is not None else MemoryStore(),
        answerer if answerer is not None else FakeAnswerer(),
        decide,
        clock=clock or Clock(),
    )


def say(advisor: Advisor, text: str, key: ConversationKey = KEY) -> list[Reply]:
    """Send one typed message."""
    return advisor.handle(Inbound(key=key, text=text))
