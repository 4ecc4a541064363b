"""The SQL store, on SQLite and PostgreSQL: state, dedupe, feedback, decisions, expiry."""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_support import POSTGRES_URL, StoreFactory, postgres_or_skip

from bot.store.base import DecisionRecord, FeedbackRecord
from bot.store.sql import SqlStore, StoreUnavailable, normalize_url

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_state_round_trips_as_json(store: SqlStore) -> None:
    state = {
        "phase": "collecting",
        "slots": {"success_rate": 0.7, "task": "classification"},
        "skipped": ["test_cases"],
        "note": '日本語 🤖 "quotes" \'; DROP TABLE x; --',
    }
    store.save_state("T1:C1:1.1", state)
    assert store.load_state("T1:C1:1.1") == state


def test_unknown_conversation_has_no_state(store: SqlStore) -> None:
    assert store.load_state("nobody") is None


def test_saving_again_replaces_the_state(store: SqlStore) -> None:
    store.save_state("c", {"n": 1})
    store.save_state("c", {"n": 2})
    assert store.load_state("c") == {"n": 2}


def test_delete_removes_only_that_conversation(store: SqlStore) -> None:
    store.save_state("a", {"n": 1})
    store.save_state("b", {"n": 2})
    store.delete_state("a")
    assert (store.load_state("a"), store.load_state("b")) == (None, {"n": 2})


def test_state_survives_a_new_store_instance(store_factory: StoreFactory) -> None:
    first = store_factory()
    first.save_state("T1:C1:9.9", {"slots": {"labeled_examples": 300}})
    first.close()
    assert store_factory().load_state("T1:C1:9.9") == {"slots": {"labeled_examples": 300}}


def test_purge_removes_only_dialogues_idle_since_before_the_cutoff(store: SqlStore) -> None:
    store.save_state("old", {"n": 1})
    time.sleep(0.01)  # orders the two saves around the cutoff; nothing is timed
    cutoff = datetime.now(UTC)
    time.sleep(0.01)
    store.save_state("fresh", {"n": 2})

    assert store.purge_expired(cutoff) == 1
    assert store.load_state("old") is None
    assert store.load_state("fresh") == {"n": 2}
    assert store.purge_expired(cutoff) == 0


def test_an_event_is_claimed_once(store_factory: StoreFactory) -> None:
    first, second = store_factory(), store_factory()
    assert first.claim_event("Ev123") is True
    assert first.claim_event("Ev123") is False
    assert second.claim_event("Ev123") is False
    assert second.claim_event("Ev456") is True


def test_concurrent_claims_of_the_same_events_have_exactly_one_winner(
    store_factory: StoreFactory,
) -> None:
    stores = [store_factory() for _ in range(4)]
    events = [f"Ev{n}" for n in range(15)]
    wins: list[str] = []
    lock = threading.Lock()

    def claim_all(store: SqlStore) -> None:
        for event_id in events:
            if store.claim_event(event_id):
                with lock:
                    wins.append(event_id)

    threads = [threading.Thread(target=claim_all, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == sorted(events)


SOON = timedelta(seconds=60)  # "taken before a minute from now": everything in flight is stale


def _later() -> datetime:
    return datetime.now(UTC) + SOON


def test_an_unfinished_event_is_taken_again_once_with_its_payload(
    store_factory: StoreFactory,
) -> None:
    dead, alive = store_factory(), store_factory()
    payload = {"type": "event_callback", "event_id": "Ev1", "event": {"text": "hi ✓"}}
    assert dead.claim_event("Ev1", payload) is True
    assert dead.claim_event("Ev2", {"event_id": "Ev2"}) is True
    dead.finish_event("Ev2")

    assert alive.take_stale_events(datetime.now(UTC) - SOON) == []  # still fresh
    assert alive.take_stale_events(_later()) == [("Ev1", payload)]
    assert alive.take_stale_events(datetime.now(UTC) - timedelta(seconds=1)) == []  # taken anew
    assert dead.claim_event("Ev1", payload) is False  # a retry from Slack still runs nothing


def test_a_finished_or_payloadless_claim_is_never_taken_again(store: SqlStore) -> None:
    store.claim_event("Ev1")
    store.claim_event("Ev2", {"event_id": "Ev2"})
    store.finish_event("Ev2")
    store.finish_event("Ev-never-claimed")
    assert store.take_stale_events(_later()) == []


def test_a_renewed_event_is_not_stale(store: SqlStore) -> None:
    store.claim_event("Ev1", {"event_id": "Ev1"})
    store.claim_event("Ev2", {"event_id": "Ev2"})
    later = _later()
    store.renew_events(["Ev1"], later)  # its worker is alive and still at it
    assert store.take_stale_events(later) == [("Ev2", {"event_id": "Ev2"})]
    store.renew_events([], later)  # nothing to renew is fine


def test_an_event_that_keeps_failing_is_given_up_after_max_attempts(store: SqlStore) -> None:
    store.claim_event("Ev1", {"event_id": "Ev1"})
    taken = [store.take_stale_events(_later(), max_attempts=3) for _ in range(4)]
    assert [len(t) for t in taken] == [1, 1, 0, 0]


def test_concurrent_takers_share_stale_events_without_overlap(
    store_factory: StoreFactory,
) -> None:
    stores = [store_factory() for _ in range(4)]
    for n in range(20):
        stores[0].claim_event(f"Ev{n}", {"n": n})
    time.sleep(0.01)
    cutoff = datetime.now(UTC)  # after every claim, before every take
    time.sleep(0.01)
    taken: list[str] = []
    lock = threading.Lock()

    def take(store: SqlStore) -> None:
        for _ in range(5):
            got = store.take_stale_events(cutoff, limit=3)
            with lock:
                taken.extend(event_id for event_id, _ in got)

    threads = [threading.Thread(target=take, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(f"Ev{n}" for n in range(20))


def test_concurrent_conversations_never_mix(store: SqlStore) -> None:
    def converse(name: str) -> None:
        for turn in range(15):
            store.save_state(name, {"owner": name, "turn": turn})
            assert store.load_state(name) == {"owner": name, "turn": turn}

    names = [f"T1:C{n}:thread" for n in range(6)]
    threads = [threading.Thread(target=converse, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [store.load_state(n) for n in names] == [{"owner": n, "turn": 14} for n in names]


def test_feedback_is_listed_newest_first(store: SqlStore) -> None:
    for n, rating in enumerate([1, -1, 1]):
        store.add_feedback(
            FeedbackRecord(
                user="U1",
                conversation="c",
                message_ref=f"m{n}",
                rating=rating,
                reason="too vague" if rating < 0 else None,
                created_at=NOW + timedelta(minutes=n),
            )
        )
    listed = store.list_feedback(limit=2)
    assert [f.message_ref for f in listed] == ["m2", "m1"]
    assert listed[1].reason == "too vague"
    assert listed[0].created_at == NOW + timedelta(minutes=2)


def test_recent_decisions_are_the_users_own_newest_first(store: SqlStore) -> None:
    for n, user in enumerate(["U1", "U2", "U1", "U1"]):
        store.record_decision(
            DecisionRecord(
                user=user,
                conversation=f"c{n}",
                approach="add_rag",
                headline=f"h{n}",
                slots={"success_rate": 0.7},
                created_at=NOW + timedelta(hours=n),
            )
        )
    recent = store.recent_decisions("U1", limit=2)
    assert [d.headline for d in recent] == ["h3", "h2"]
    assert recent[0].slots == {"success_rate": 0.7}
    assert store.recent_decisions("U3") == []


def test_opening_a_store_twice_on_one_database_is_fine(store_factory: StoreFactory) -> None:
    store_factory().save_state("x", {"n": 1})
    assert store_factory().load_state("x") == {"n": 1}


def _open_and_write(url: str, prefix: str, name: str) -> None:
    store = SqlStore(url, table_prefix=prefix)
    store.save_state(name, {"by": name})
    store.close()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_processes_starting_at_once_all_get_working_tables(backend: str, tmp_path: Path) -> None:
    if backend == "postgres":
        postgres_or_skip()
        url, prefix = POSTGRES_URL, f"p{uuid.uuid4().hex[:10]}_"
    else:
        url, prefix = f"sqlite:///{tmp_path / 'advisor.db'}", "advisor_"
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_open_and_write, args=(url, prefix, f"w{n}")) for n in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    store = SqlStore(url, table_prefix=prefix)
    try:
        assert [w.exitcode for w in workers] == [0, 0, 0]
        assert [store.load_state(f"w{n}") for n in range(3)] == [{"by": f"w{n}"} for n in range(3)]
    finally:
        store.drop_tables()
        store.close()


def test_sqlite_file_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "advisor.db"
    SqlStore(f"sqlite:///{path}").close()
    assert path.exists()


def test_an_unreachable_database_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StoreUnavailable) as caught:
        SqlStore("postgresql://advisor:s3cret-pw@127.0.0.1:1/advisor")
    assert "cannot open the database" in str(caught.value)
    assert "s3cret-pw" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("postgres://u@h/db", "postgresql+psycopg://u@h/db", id="heroku-style"),
        pytest.param("postgresql://u@h/db", "postgresql+psycopg://u@h/db", id="plain"),
        pytest.param("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db", id="explicit"),
        pytest.param("sqlite:///x.db", "sqlite:///x.db", id="sqlite"),
    ],
)
def test_urls_are_normalized_to_psycopg3(url: str, expected: str) -> None:
    assert normalize_url(url) == expected
