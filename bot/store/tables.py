"""The store's tables, built for a name prefix (so parallel test runs never collide)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

_Json = JSON().with_variant(JSONB(), "postgresql")


@dataclass(frozen=True)
class Tables:
    metadata: MetaData
    states: Table
    events: Table
    in_flight: Table
    feedback: Table
    decisions: Table
    records: Table


def build_tables(prefix: str) -> Tables:
    """The tables: dialogue states, claimed and in-flight events, feedback, decisions, records."""
    metadata = MetaData()
    states = Table(
        f"{prefix}dialogue_state",
        metadata,
        Column("conversation", String(512), primary_key=True),
        Column("state", _Json, nullable=False),
        Column("updated_at", DateTime, nullable=False),
        # Bumped by every write: a turn saves only over the version it read (bot.core.service).
        Column("version", Integer, nullable=False, server_default="0"),
        Index(f"{prefix}dialogue_state_updated", "updated_at"),
    )
    events = Table(
        f"{prefix}claimed_event",
        metadata,
        Column("event_id", String(255), primary_key=True),
        Column("claimed_at", DateTime, nullable=False),
        Index(f"{prefix}claimed_event_at", "claimed_at"),
    )
    in_flight = Table(  # claimed events whose work has not finished: a dead worker's are redone
        f"{prefix}event_in_flight",
        metadata,
        Column("event_id", String(255), primary_key=True),
        Column("payload", _Json, nullable=False),
        Column("taken_at", DateTime, nullable=False),
        Column("attempts", Integer, nullable=False),
        Index(f"{prefix}event_in_flight_at", "taken_at"),
    )
    feedback = Table(
        f"{prefix}feedback",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("user", String(255), nullable=False),
        Column("conversation", String(512), nullable=False),
        Column("message_ref", String(255), nullable=False),
        Column("rating", Integer, nullable=False),
        Column("reason", Text),
        Column("created_at", DateTime, nullable=False),
    )
    decisions = Table(
        f"{prefix}decision",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("user", String(255), nullable=False),
        Column("conversation", String(512), nullable=False),
        Column("approach", String(32), nullable=False),
        Column("headline", Text, nullable=False),
        Column("slots", _Json, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index(f"{prefix}decision_user", "user", "created_at"),
    )
    records = Table(  # decision records saved in channel threads (bot.core.records)
        f"{prefix}thread_record",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("workspace", String(64), nullable=False),
        Column("channel", String(64), nullable=False),
        Column("thread_ts", String(64), nullable=False),
        Column("source_ts", String(64), nullable=False),
        Column("asked_by", String(255)),
        Column("saved_by", String(255), nullable=False),
        Column("approach", String(32), nullable=False),
        Column("revision", Integer, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("updated_at", DateTime),
        Column("message_ts", String(64)),
        Column("permalink", Text),
        Column("body", _Json, nullable=False),
        # One record per recommendation message: a second click or a redelivery finds it.
        Index(f"{prefix}thread_record_source", "channel", "source_ts", unique=True),
        Index(f"{prefix}thread_record_thread", "channel", "thread_ts"),
        Index(f"{prefix}thread_record_channel", "channel", "created_at"),
        Index(f"{prefix}thread_record_saved_by", "saved_by", "created_at"),
        Index(f"{prefix}thread_record_asked_by", "asked_by", "created_at"),
    )
    return Tables(metadata, states, events, in_flight, feedback, decisions, records)
