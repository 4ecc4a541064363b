"""Two workers' turns in one conversation at the same moment: neither loses a slot.

Each worker is played by its own store instance on the same database (what a
separate process sees), on a SQLite file and on PostgreSQL. A barrier makes both
turns read the same state before either saves: the race that lost slots.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from store_support import StoreFactory

from bot.bootstrap import build_core
from bot.core.messages import ConversationKey, Inbound
from bot.core.ports import Answer
from bot.settings import Settings
from bot.store.sql import SqlStore

KEY = ConversationKey(workspace="T1", channel="D1", user="U1")
START = "help me decide: should we fine-tune our support bot?"


class NoKnowledge:
    def answer(self, question: str) -> Answer:
        raise RuntimeError("no knowledge base in store tests")


class RacingStore(SqlStore):
    """A worker's store whose first read waits for the other worker's first read."""

    def __init__(self, store: SqlStore, barrier: threading.Barrier) -> None:
        self.__dict__.update(store.__dict__)
        self._barrier: threading.Barrier | None = barrier

    def load_versioned(self, conversation: str) -> tuple[dict[str, Any] | None, int | None]:
        found = super().load_versioned(conversation)
        if self._barrier is not None:
            barrier, self._barrier = self._barrier, None
            barrier.wait(timeout=30)
        return found


def test_a_stale_version_is_not_saved(store_factory: StoreFactory) -> None:
    first, second = store_factory(), store_factory()
    assert first.save_versioned("c", {"n": 1}, None)
    assert not second.save_versioned("c", {"n": 2}, None)  # it exists now
    state, version = second.load_versioned("c")
    assert state == {"n": 1}
    assert first.save_versioned("c", {"n": 3}, version)
    assert not second.save_versioned("c", {"n": 4}, version)  # the first moved it on
    assert first.load_state("c") == {"n": 3}


def test_two_workers_turns_at_the_same_moment_both_keep_their_slot(
    store_factory: StoreFactory, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    barrier = threading.Barrier(2)
    cores = [
        build_core(settings, store=RacingStore(store_factory(), barrier), answerer=NoKnowledge())
        for _ in range(2)
    ]
    build_core(settings, store=store_factory(), answerer=NoKnowledge()).handle(
        Inbound(key=KEY, text=START)
    )

    texts = ["we have 300 labeled examples", "we tried 4 prompt versions"]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda i: cores[i].handle(Inbound(key=KEY, text=texts[i])), range(2)))

    slots = (store_factory().load_state(KEY.id) or {})["slots"]
    assert slots.get("labeled_examples") == 300
    assert slots.get("prompt_iterations") == 4
