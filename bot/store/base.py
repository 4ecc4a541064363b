"""The store interface. SQLite by default, PostgreSQL by URL (bot.store.sql)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from bot.core.records import ThreadRecord


@dataclass(frozen=True)
class DecisionRecord:
    """A recommendation someone received, for the App Home's recent decisions."""

    user: str
    conversation: str
    approach: str
    headline: str
    slots: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class FeedbackRecord:
    user: str
    conversation: str
    message_ref: str
    rating: int  # +1 or -1
    reason: str | None
    created_at: datetime


class Store(Protocol):
    """Everything Advisor persists. Implementations must be safe across processes."""

    def load_state(self, conversation: str) -> dict[str, Any] | None:
        """The saved dialogue state of a conversation, or None."""
        ...

    def save_state(self, conversation: str, state: dict[str, Any]) -> None:
        """Insert or replace a conversation's dialogue state (touches its updated time)."""
        ...

    def delete_state(self, conversation: str) -> None: ...

    def purge_expired(self, older_than: datetime) -> int:
        """Drop dialogue states idle since before `older_than`; returns how many."""
        ...

    def claim_event(self, event_id: str, payload: dict[str, Any] | None = None) -> bool:
        """Atomically mark an event as handled. True the first time, False for a retry.

        With a payload, the event is also held as in flight until `finish_event`, so
        that another worker can take it again if this one dies first.
        """
        ...

    def finish_event(self, event_id: str) -> None:
        """The work for a claimed event is over: it is no longer in flight."""
        ...

    def renew_events(self, event_ids: Sequence[str], at: datetime) -> None:
        """Events still being worked on: their in-flight time moves to `at` (a heartbeat)."""
        ...

    def take_stale_events(
        self, taken_before: datetime, limit: int = 10, max_attempts: int = 3
    ) -> list[tuple[str, dict[str, Any]]]:
        """In-flight events taken before `taken_before` (their worker stopped), taken again.

        Atomic across processes: each stale event goes to one caller. One that was
        already tried `max_attempts` times is dropped instead.
        """
        ...

    def add_feedback(self, record: FeedbackRecord) -> None: ...

    def list_feedback(self, limit: int = 50) -> list[FeedbackRecord]: ...

    def record_decision(self, record: DecisionRecord) -> None: ...

    def recent_decisions(self, user: str, limit: int = 5) -> list[DecisionRecord]: ...

    def save_record(self, record: ThreadRecord) -> tuple[ThreadRecord, bool]:
        """Store a decision record once per source message: (the stored one, True if new)."""
        ...

    def set_record_message(self, record_id: int, message_ts: str, permalink: str | None) -> None:
        """Where the record was posted in its thread."""
        ...

    def delete_record(self, record_id: int) -> None: ...

    def update_record(self, record: ThreadRecord, revision: int) -> ThreadRecord | None:
        """Replace record `record.id` if it is still at `revision`; None when it moved on."""
        ...

    def thread_record(self, channel: str, thread_ts: str) -> ThreadRecord | None:
        """The newest record saved in a thread, or None."""
        ...

    def channel_records(self, channel: str, limit: int = 10) -> list[ThreadRecord]:
        """A channel's records, newest first."""
        ...

    def user_records(self, user: str, limit: int = 10) -> list[ThreadRecord]:
        """Records a person asked for or saved, newest first."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class VersionedStore(Protocol):
    """A store whose dialogue states carry a version, for turns on several workers.

    A turn reads a state and its version, runs, and saves only if the version is
    unchanged; otherwise another worker moved the conversation first and the turn is
    run again on the newer state (optimistic concurrency, on SQLite and PostgreSQL).
    """

    def load_versioned(self, conversation: str) -> tuple[dict[str, Any] | None, int | None]:
        """The saved state and its version; (None, None) when nothing is saved."""
        ...

    def save_versioned(self, conversation: str, state: dict[str, Any], version: int | None) -> bool:
        """Save over `version` (None: only if nothing is saved). False when it moved on."""
        ...
