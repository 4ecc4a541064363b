"""Fakes of the core and the store, for the adapter's failure paths.

The end-to-end tests use the real core and the real SQLite store (see
conftest.make_core); these fakes stand in where a test needs a core that fails.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.core.messages import ConversationKey, Inbound, Reply, ReplyKind
from bot.core.ports import KnowledgeUnavailable
from bot.engine.models import DecisionInput
from bot.store.base import DecisionRecord, FeedbackRecord


class MemoryStore:
    """The Store protocol in memory, thread-safe."""

    def __init__(self) -> None:
        self.states: dict[str, dict[str, Any]] = {}
        self.claimed: set[str] = set()
        self.in_flight: dict[str, dict[str, Any]] = {}
        self.feedback: list[FeedbackRecord] = []
        self.decisions: list[DecisionRecord] = []
        self._lock = threading.Lock()

    def load_state(self, conversation: str) -> dict[str, Any] | None:
        with self._lock:
            return self.states.get(conversation)

    def save_state(self, conversation: str, state: dict[str, Any]) -> None:
        with self._lock:
            self.states[conversation] = dict(state)

    def delete_state(self, conversation: str) -> None:
        with self._lock:
            self.states.pop(conversation, None)

    def purge_expired(self, older_than: datetime) -> int:
        return 0

    def claim_event(self, event_id: str, payload: dict[str, Any] | None = None) -> bool:
        with self._lock:
            if event_id in self.claimed:
                return False
            self.claimed.add(event_id)
            if payload is not None:
                self.in_flight[event_id] = payload
            return True

    def finish_event(self, event_id: str) -> None:
        with self._lock:
            self.in_flight.pop(event_id, None)

    def renew_events(self, event_ids: Sequence[str], at: datetime) -> None:
        pass

    def take_stale_events(
        self, taken_before: datetime, limit: int = 10, max_attempts: int = 3
    ) -> list[tuple[str, dict[str, Any]]]:
        return []  # the SQL store's sweeps are tested on SQLite and PostgreSQL

    def add_feedback(self, record: FeedbackRecord) -> None:
        with self._lock:
            self.feedback.append(record)

    def list_feedback(self, limit: int = 50) -> list[FeedbackRecord]:
        return list(reversed(self.feedback))[:limit]

    def record_decision(self, record: DecisionRecord) -> None:
        with self._lock:
            self.decisions.append(replace(record))

    def recent_decisions(self, user: str, limit: int = 5) -> list[DecisionRecord]:
        mine = [d for d in self.decisions if d.user == user]
        return list(reversed(mine))[:limit]

    def close(self) -> None:
        return None


class FailingCore:
    """A core that raises: KnowledgeUnavailable, or any other error."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error or RuntimeError("boom xoxb-should-never-be-logged")
        self.seen: list[Inbound] = []

    def handle(self, inbound: Inbound) -> list[Reply]:
        self.seen.append(inbound)
        raise self.error

    def slots(self, key: ConversationKey) -> DecisionInput:
        return DecisionInput()

    def validate_form(self, form: dict[str, Any]) -> dict[str, str]:
        return {}


class EchoCore:
    """A core that answers every message with its own text (for routing tests)."""

    def __init__(self) -> None:
        self.seen: list[Inbound] = []

    def handle(self, inbound: Inbound) -> list[Reply]:
        self.seen.append(inbound)
        return [Reply(kind=ReplyKind.answer, text=f"echo: {inbound.text}")]

    def slots(self, key: ConversationKey) -> DecisionInput:
        return DecisionInput()

    def validate_form(self, form: dict[str, Any]) -> dict[str, str]:
        return {}


def make_knowledge_down() -> FailingCore:
    return FailingCore(KnowledgeUnavailable("chroma is down"))
