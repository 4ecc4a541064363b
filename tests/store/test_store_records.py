"""Decision records in the SQL store, on SQLite and PostgreSQL: saved once, listed, updated."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from planning_case import PLANNING
from store_support import StoreFactory

from bot.core.records import ThreadRecord, build_record
from bot.engine import decide
from bot.store.sql import SqlStore

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def a_record(
    source_ts: str = "1700.000200",
    *,
    channel: str = "C1",
    thread_ts: str = "1700.000100",
    saved_by: str = "URAJ",
    asked_by: str = "UANA",
    at: datetime = NOW,
) -> ThreadRecord:
    return build_record(
        decide(PLANNING),
        workspace="T1",
        channel=channel,
        thread_ts=thread_ts,
        source_ts=source_ts,
        saved_by=saved_by,
        asked_by=asked_by,
        stated_by={"success_rate": "UANA", "labeled_examples": "URAJ"},
        now=at,
    )


def test_a_saved_record_comes_back_whole(store: SqlStore) -> None:
    saved, created = store.save_record(a_record())
    store.set_record_message(saved.id or 0, "1700.000300", "https://x.slack.com/archives/C1/p1")

    found = store.thread_record("C1", "1700.000100")

    assert created and found is not None
    assert found.id == saved.id and found.revision == 1
    assert found.approach.value == "collect_data"
    assert found.created_at == NOW
    assert found.message_ts == "1700.000300"
    assert found.permalink == "https://x.slack.com/archives/C1/p1"
    by = {s.slot: (s.shown, s.source, s.by) for s in found.sources}
    assert by["success_rate"] == ("62%", "stated", "UANA")
    assert by["target_success_rate"] == ("80%", "default", None)
    assert found.triggers[0].text == "the success rate reaches 80%"


def test_saving_the_same_message_twice_keeps_one_record(store: SqlStore) -> None:
    first, created = store.save_record(a_record(saved_by="URAJ"))
    again, created_again = store.save_record(a_record(saved_by="UOTHER"))

    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.saved_by == "URAJ"
    assert len(store.channel_records("C1")) == 1


def test_racing_saves_of_one_message_make_one_record(store_factory: StoreFactory) -> None:
    stores = [store_factory() for _ in range(4)]
    results: list[bool] = []
    barrier = threading.Barrier(len(stores))

    def save(store: SqlStore) -> None:
        barrier.wait()
        results.append(store.save_record(a_record())[1])

    threads = [threading.Thread(target=save, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)

    assert sorted(results) == [False, False, False, True]
    assert len(stores[0].channel_records("C1")) == 1


def test_channel_history_is_newest_first_and_only_that_channel(store: SqlStore) -> None:
    for n in range(3):
        store.save_record(a_record(f"1.{n}", thread_ts=f"9.{n}", at=NOW + timedelta(days=n)))
    store.save_record(a_record("2.0", channel="C2"))

    listed = store.channel_records("C1")

    assert [r.thread_ts for r in listed] == ["9.2", "9.1", "9.0"]
    assert store.channel_records("C1", limit=2)[1].thread_ts == "9.1"
    assert [r.channel for r in store.channel_records("C2")] == ["C2"]
    assert store.channel_records("C3") == []


def test_a_persons_records_are_those_they_asked_for_or_saved(store: SqlStore) -> None:
    store.save_record(a_record("1.1", thread_ts="1", saved_by="URAJ", asked_by="UANA"))
    store.save_record(a_record("1.2", thread_ts="2", saved_by="UANA", asked_by="UBEN"))
    store.save_record(a_record("1.3", thread_ts="3", saved_by="UBEN", asked_by="UBEN"))

    assert {r.thread_ts for r in store.user_records("UANA")} == {"1", "2"}
    assert {r.thread_ts for r in store.user_records("URAJ")} == {"1"}
    assert store.user_records("UNOBODY") == []


def test_the_newest_record_of_a_thread_wins(store: SqlStore) -> None:
    store.save_record(a_record("1.1"))
    store.save_record(a_record("1.2", saved_by="UBEN", at=NOW + timedelta(hours=1)))

    found = store.thread_record("C1", "1700.000100")

    assert found is not None and found.saved_by == "UBEN"
    assert store.thread_record("C1", "no-such-thread") is None


def test_an_update_applies_once_over_its_revision(store: SqlStore) -> None:
    saved, _ = store.save_record(a_record())
    newer = build_record(
        decide(PLANNING.model_copy(update={"success_rate": 0.81})),
        workspace="T1",
        channel="C1",
        thread_ts="1700.000100",
        source_ts=saved.source_ts,
        saved_by=saved.saved_by,
        asked_by=saved.asked_by,
        stated_by={},
        now=NOW,
    ).model_copy(update={"id": saved.id, "updated_by": "UBEN", "updated_at": NOW})

    first = store.update_record(newer, revision=1)
    second = store.update_record(newer, revision=1)

    assert first is not None and first.revision == 2
    assert second is None
    found = store.thread_record("C1", "1700.000100")
    assert found is not None
    assert (found.approach.value, found.revision, found.updated_by) == ("done", 2, "UBEN")
    assert found.inputs["success_rate"] == 0.81


def test_a_deleted_record_is_gone_and_its_message_may_be_saved_again(store: SqlStore) -> None:
    saved, _ = store.save_record(a_record())
    store.delete_record(saved.id or 0)

    assert store.thread_record("C1", "1700.000100") is None
    assert store.save_record(a_record())[1] is True


def test_records_survive_a_new_store_instance(store_factory: StoreFactory) -> None:
    first = store_factory()
    first.save_record(a_record())
    first.close()

    assert [r.source_ts for r in store_factory().channel_records("C1")] == ["1700.000200"]
