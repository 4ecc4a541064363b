"""The same store suite runs on a SQLite file and on the real PostgreSQL server.

PostgreSQL tests use their own table prefix per test, and drop their tables after.
When the server is unreachable they skip locally, and fail when CI is set.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_support import POSTGRES_URL, StoreFactory, postgres_or_skip

from bot.store.sql import SqlStore, StoreUnavailable


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Makes stores on one database: each call is a new instance (like a new process)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'nested' / 'advisor.db'}"
        prefix = "advisor_"
    else:
        postgres_or_skip()
        url = POSTGRES_URL
        prefix = f"t{uuid.uuid4().hex[:10]}_"
    made: list[SqlStore] = []

    def make() -> SqlStore:
        store = SqlStore(url, table_prefix=prefix)
        made.append(store)
        return store

    yield make
    if made:
        with contextlib.suppress(StoreUnavailable):
            made[0].drop_tables()
    for store in made:
        store.close()


@pytest.fixture
def store(store_factory: StoreFactory) -> SqlStore:
    return store_factory()
