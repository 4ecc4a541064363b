"""The Store on SQLAlchemy 2: a SQLite file by default, PostgreSQL by URL (psycopg 3).

Safe across processes: tables are created idempotently under a lock, `claim_event` is
one INSERT whose unique violation means "already handled", and state writes are single
upserts. `pool_pre_ping` plus a short retry survives a restarted PostgreSQL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex, CreateTable

from bot.core.records import ThreadRecord
from bot.store.base import DecisionRecord, FeedbackRecord
from bot.store.tables import Tables, build_tables

log = logging.getLogger(__name__)
T = TypeVar("T")

_RETRIES = (0.2, 0.5, 1.0)  # seconds between attempts when the database connection drops


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message says which (no password)."""


def normalize_url(url: str) -> str:
    """postgres:// and postgresql:// become postgresql+psycopg:// (psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _naive_utc(moment: datetime) -> datetime:
    """Stored times are naive UTC, the same in SQLite and PostgreSQL."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class SqlStore:
    """The Store protocol over SQLAlchemy. `table_prefix` lets test runs share a database."""

    def __init__(self, url: str, *, table_prefix: str = "advisor_") -> None:
        self.url = normalize_url(url)
        self._engine = _make_engine(self.url)
        # One statement is atomic on its own: run alone, it needs no BEGIN and COMMIT round
        # trips around it (a turn makes about ten; PostgreSQL shares the workers' cores).
        # An in-memory SQLite database shares one connection between threads: not there.
        shared = isinstance(self._engine.pool, StaticPool)
        self._single = (
            self._engine if shared else self._engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._tables: Tables = build_tables(table_prefix)
        self._hot = _hot_statements(self._tables, self._dialect())
        self._create_tables()

    @property
    def safe_url(self) -> str:
        """The URL without its password, for messages and logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    def _create_tables(self) -> None:
        def create() -> None:
            with self._engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    # Two workers starting at once: the second waits, then finds the tables.
                    conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
                for table in self._tables.metadata.sorted_tables:
                    conn.execute(CreateTable(table, if_not_exists=True))
                    for index in table.indexes:
                        conn.execute(CreateIndex(index, if_not_exists=True))
            self._add_version_column()

        try:
            self._retry(create)
        except OperationalError as exc:
            raise StoreUnavailable(f"cannot open the database {self.safe_url}: {exc.orig}") from exc

    def _add_version_column(self) -> None:
        """Tables made before states had a version gain the column (default 0)."""
        name = self._tables.states.name
        with self._engine.begin() as conn:
            if any(c["name"] == "version" for c in inspect(conn).get_columns(name)):
                return
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    text(f"ALTER TABLE {name} ADD COLUMN version INTEGER NOT NULL DEFAULT 0")
                )
        except DBAPIError:  # another process added it first
            log.info("the version column of %s was added by another process", name)

    def _retry(self, work: Callable[[], T]) -> T:
        for pause in (*_RETRIES, None):
            try:
                return work()
            except OperationalError as exc:
                if pause is None or not _transient(exc):
                    raise
                log.warning("database connection problem, retrying in %.1fs", pause)
                time.sleep(pause)
        raise AssertionError("unreachable")

    def _dialect(self) -> Any:
        """The dialect module whose insert() has ON CONFLICT (both sqlite and postgresql)."""
        return postgresql if self._engine.dialect.name == "postgresql" else sqlite

    def load_state(self, conversation: str) -> dict[str, Any] | None:
        """The saved dialogue state of a conversation, or None."""
        rows = self._rows(self._hot.load_state, {"p_conversation": conversation})
        return rows[0].state if rows else None

    def save_state(self, conversation: str, state: dict[str, Any]) -> None:
        """Insert or replace a conversation's state and touch its updated time."""
        values = {"p_conversation": conversation, "p_state": state}
        self._write(self._hot.upsert_state, values | {"p_at": _naive_utc(datetime.now(UTC))})

    def load_versioned(self, conversation: str) -> tuple[dict[str, Any] | None, int | None]:
        """The saved state and its version; (None, None) when nothing is saved."""
        rows = self._rows(self._hot.load_versioned, {"p_conversation": conversation})
        return (dict(rows[0].state), int(rows[0].version)) if rows else (None, None)

    def save_versioned(self, conversation: str, state: dict[str, Any], version: int | None) -> bool:
        """Save only over `version` (None: only if nothing is saved); False when it moved on.

        One statement each way, so the check and the write are one atomic step: on
        PostgreSQL a racing UPDATE re-checks the version after the first commits.
        """
        table = self._tables.states
        now = _naive_utc(datetime.now(UTC))
        if version is None:
            stmt: Any = (
                self._dialect()
                .insert(table)
                .values(conversation=conversation, state=state, updated_at=now, version=1)
                .on_conflict_do_nothing()
                .returning(table.c.conversation)
            )
            params: dict[str, Any] = {}
        else:
            stmt = self._hot.save_over
            params = {"p_conversation": conversation, "p_version": version, "p_state": state}
            params |= {"p_at": now, "p_next": version + 1}

        def run() -> bool:
            with self._single.begin() as conn:
                return conn.execute(stmt, params).first() is not None

        return self._retry(run)

    def take_state(self, conversation: str) -> dict[str, Any] | None:
        """Delete a state and return it: of two concurrent takers only one gets it."""
        table = self._tables.states
        stmt = delete(table).where(table.c.conversation == conversation).returning(table.c.state)

        def run() -> dict[str, Any] | None:
            with self._single.begin() as conn:
                row = conn.execute(stmt).first()
                return dict(row.state) if row else None

        return self._retry(run)

    def delete_state(self, conversation: str) -> None:
        table = self._tables.states
        self._write(delete(table).where(table.c.conversation == conversation))

    def purge_expired(self, older_than: datetime) -> int:
        """Drop dialogue states (and event claims) idle since before `older_than`."""
        cutoff = _naive_utc(older_than)
        states, events = self._tables.states, self._tables.events
        in_flight = self._tables.in_flight

        def purge() -> int:
            with self._engine.begin() as conn:
                conn.execute(delete(events).where(events.c.claimed_at < cutoff))
                conn.execute(delete(in_flight).where(in_flight.c.taken_at < cutoff))
                return conn.execute(delete(states).where(states.c.updated_at < cutoff)).rowcount

        return int(self._retry(purge))

    def claim_event(self, event_id: str, payload: dict[str, Any] | None = None) -> bool:
        """True the first time an event id is claimed, False for every retry of it.

        With a payload, the same transaction holds the event as in flight.
        """
        params = {"p_event": event_id, "p_at": _naive_utc(datetime.now(UTC))}

        def claim() -> bool:
            with self._engine.begin() as conn:
                first = conn.execute(self._hot.claim, params).first() is not None
                if first and payload is not None:
                    conn.execute(self._hot.hold, params | {"p_payload": payload})
                return first

        try:
            return self._retry(claim)
        except IntegrityError:  # a racing insert that slipped past ON CONFLICT
            return False

    def finish_event(self, event_id: str) -> None:
        """The event's work is over: no longer in flight."""
        self._write(self._hot.finish, {"p_event": event_id})

    def renew_events(self, event_ids: Sequence[str], at: datetime) -> None:
        """A heartbeat for events still being worked on: they are not stale."""
        if not event_ids:
            return
        table = self._tables.in_flight
        stmt = (
            update(table)
            .where(table.c.event_id.in_(list(event_ids)))
            .values(taken_at=_naive_utc(at))
        )
        self._write(stmt)

    def take_stale_events(
        self, taken_before: datetime, limit: int = 10, max_attempts: int = 3
    ) -> list[tuple[str, dict[str, Any]]]:
        """Stale in-flight events, each taken again by exactly one caller."""
        table = self._tables.in_flight
        cutoff, now = _naive_utc(taken_before), _naive_utc(datetime.now(UTC))
        stale = table.c.taken_at < cutoff
        give_up = delete(table).where(stale, table.c.attempts >= max_attempts)
        oldest = select(table.c.event_id).where(stale).order_by(table.c.taken_at).limit(limit)
        # The outer condition is checked again under the row lock: a second worker that
        # picked the same rows finds them no longer stale and takes nothing.
        take = (
            update(table)
            .where(table.c.event_id.in_(oldest), stale)
            .values(taken_at=now, attempts=table.c.attempts + 1)
            .returning(table.c.event_id, table.c.payload)
        )

        def run() -> tuple[int, list[tuple[str, dict[str, Any]]]]:
            with self._engine.begin() as conn:
                dropped = conn.execute(give_up).rowcount
                return dropped, [(r.event_id, dict(r.payload)) for r in conn.execute(take)]

        dropped, taken = self._retry(run)
        if dropped:
            log.warning("gave up on %d events after %d attempts", dropped, max_attempts)
        return taken

    def add_feedback(self, record: FeedbackRecord) -> None:
        values = {**record.__dict__, "created_at": _naive_utc(record.created_at)}
        self._write(insert(self._tables.feedback).values(**values))

    def list_feedback(self, limit: int = 50) -> list[FeedbackRecord]:
        table = self._tables.feedback
        query = select(table).order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit)
        rows = self._rows(query)
        return [
            FeedbackRecord(
                user=r.user,
                conversation=r.conversation,
                message_ref=r.message_ref,
                rating=r.rating,
                reason=r.reason,
                created_at=_aware(r.created_at),
            )
            for r in rows
        ]

    def record_decision(self, record: DecisionRecord) -> None:
        values = {**record.__dict__, "created_at": _naive_utc(record.created_at)}
        self._write(insert(self._tables.decisions).values(**values))

    def recent_decisions(self, user: str, limit: int = 5) -> list[DecisionRecord]:
        table = self._tables.decisions
        query = (
            select(table)
            .where(table.c.user == user)
            .order_by(table.c.created_at.desc(), table.c.id.desc())
            .limit(limit)
        )
        return [
            DecisionRecord(
                user=r.user,
                conversation=r.conversation,
                approach=r.approach,
                headline=r.headline,
                slots=dict(r.slots),
                created_at=_aware(r.created_at),
            )
            for r in self._rows(query)
        ]

    # --- decision records ---------------------------------------------------------------

    def save_record(self, record: ThreadRecord) -> tuple[ThreadRecord, bool]:
        """Insert once per (channel, source message); a repeat returns the stored record."""
        table = self._tables.records
        stmt = (
            self._dialect()
            .insert(table)
            .values(**_record_row(record, revision=1))
            .on_conflict_do_nothing()
            .returning(table.c.id)
        )

        def run() -> int | None:
            with self._engine.begin() as conn:
                return conn.execute(stmt).scalar_one_or_none()

        try:
            new_id = self._retry(run)
        except IntegrityError:  # a racing insert that slipped past ON CONFLICT
            new_id = None
        if new_id is not None:
            return record.model_copy(update={"id": new_id, "revision": 1}), True
        where = (table.c.channel == record.channel, table.c.source_ts == record.source_ts)
        found = self._records(select(table).where(*where).limit(1))
        if not found:
            raise RuntimeError("a decision record was neither inserted nor found")
        return found[0], False

    def set_record_message(self, record_id: int, message_ts: str, permalink: str | None) -> None:
        table = self._tables.records
        values = {"message_ts": message_ts, "permalink": permalink}
        self._write(update(table).where(table.c.id == record_id).values(**values))

    def delete_record(self, record_id: int) -> None:
        table = self._tables.records
        self._write(delete(table).where(table.c.id == record_id))

    def update_record(self, record: ThreadRecord, revision: int) -> ThreadRecord | None:
        """One conditional UPDATE: of two racing updates over the same revision, one wins."""
        table = self._tables.records
        row = _record_row(record, revision=revision + 1)
        for kept in ("id", "channel", "source_ts", "created_at"):
            row.pop(kept, None)
        stmt = (
            update(table)
            .where(table.c.id == record.id, table.c.revision == revision)
            .values(**row)
            .returning(table.c.id)
        )

        def run() -> bool:
            with self._engine.begin() as conn:
                return conn.execute(stmt).first() is not None

        if not self._retry(run):
            return None
        return record.model_copy(update={"revision": revision + 1})

    def thread_record(self, channel: str, thread_ts: str) -> ThreadRecord | None:
        table = self._tables.records
        query = (
            select(table)
            .where(table.c.channel == channel, table.c.thread_ts == thread_ts)
            .order_by(table.c.created_at.desc(), table.c.id.desc())
            .limit(1)
        )
        found = self._records(query)
        return found[0] if found else None

    def channel_records(self, channel: str, limit: int = 10) -> list[ThreadRecord]:
        table = self._tables.records
        query = (
            select(table)
            .where(table.c.channel == channel)
            .order_by(table.c.created_at.desc(), table.c.id.desc())
            .limit(limit)
        )
        return self._records(query)

    def user_records(self, user: str, limit: int = 10) -> list[ThreadRecord]:
        table = self._tables.records
        query = (
            select(table)
            .where(or_(table.c.saved_by == user, table.c.asked_by == user))
            .order_by(table.c.created_at.desc(), table.c.id.desc())
            .limit(limit)
        )
        return self._records(query)

    def _records(self, query: Any) -> list[ThreadRecord]:
        return [_record_of(row) for row in self._rows(query)]

    def close(self) -> None:
        self._engine.dispose()

    def drop_tables(self) -> None:
        """Remove this store's tables (tests that share a database clean up with it)."""
        self._tables.metadata.drop_all(self._engine)

    def _write(self, stmt: Any, params: dict[str, Any] | None = None) -> None:
        """Run one statement, atomic on its own (autocommit)."""

        def run() -> None:
            with self._single.begin() as conn:
                conn.execute(stmt, params)

        return self._retry(run)

    def _rows(self, query: Any, params: dict[str, Any] | None = None) -> list[Any]:
        def run() -> list[Any]:
            with self._single.begin() as conn:
                return list(conn.execute(query, params))

        return self._retry(run)


@dataclass(frozen=True)
class _Hot:
    """The statements every event runs, built once with bound parameters: SQLAlchemy
    reuses their compiled form without building them and their cache keys again (about
    30 us a statement, ten statements an event)."""

    load_state: Any
    load_versioned: Any
    save_over: Any  # the versioned save over a known version
    upsert_state: Any
    claim: Any
    hold: Any
    finish: Any


def _hot_statements(tables: Tables, dialect: Any) -> _Hot:
    states, events, in_flight = tables.states, tables.events, tables.in_flight
    conversation = states.c.conversation == bindparam("p_conversation")
    upsert = dialect.insert(states).values(
        conversation=bindparam("p_conversation"),
        state=bindparam("p_state"),
        updated_at=bindparam("p_at"),
    )
    return _Hot(
        load_state=select(states.c.state).where(conversation),
        load_versioned=select(states.c.state, states.c.version).where(conversation),
        save_over=update(states)
        .where(conversation, states.c.version == bindparam("p_version"))
        .values(state=bindparam("p_state"), updated_at=bindparam("p_at"))
        .values(version=bindparam("p_next"))
        .returning(states.c.conversation),
        upsert_state=upsert.on_conflict_do_update(
            index_elements=[states.c.conversation],
            set_={
                "state": upsert.excluded.state,
                "updated_at": upsert.excluded.updated_at,
                "version": states.c.version + 1,
            },
        ),
        claim=dialect.insert(events)
        .values(event_id=bindparam("p_event"), claimed_at=bindparam("p_at"))
        .on_conflict_do_nothing()
        .returning(events.c.event_id),
        hold=insert(in_flight).values(
            event_id=bindparam("p_event"),
            payload=bindparam("p_payload"),
            taken_at=bindparam("p_at"),
            attempts=1,
        ),
        finish=delete(in_flight).where(in_flight.c.event_id == bindparam("p_event")),
    )


def _record_row(record: ThreadRecord, revision: int) -> dict[str, Any]:
    """A record as a row: the columns it is looked up by, and the whole record as JSON."""
    body = record.model_dump(mode="json", exclude={"id", "revision", "message_ts", "permalink"})
    return {
        "workspace": record.workspace,
        "channel": record.channel,
        "thread_ts": record.thread_ts,
        "source_ts": record.source_ts,
        "asked_by": record.asked_by,
        "saved_by": record.saved_by,
        "approach": record.approach.value,
        "revision": revision,
        "created_at": _naive_utc(record.created_at),
        "updated_at": _naive_utc(record.updated_at) if record.updated_at else None,
        "message_ts": record.message_ts,
        "permalink": record.permalink,
        "body": body,
    }


def _record_of(row: Any) -> ThreadRecord:
    columns = {
        "id": row.id,
        "revision": row.revision,
        "message_ts": row.message_ts,
        "permalink": row.permalink,
        "created_at": _aware(row.created_at),
        "updated_at": _aware(row.updated_at) if row.updated_at else None,
    }
    return ThreadRecord.model_validate({**dict(row.body), **columns})


def _transient(exc: OperationalError) -> bool:
    """A dropped or refused connection (worth a retry), not a locked or missing table."""
    return bool(exc.connection_invalidated) or "connect" in str(exc.orig).lower()
