"""Where the store tests find PostgreSQL, and what they do when it is not there."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from bot.store.sql import SqlStore

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

StoreFactory = Callable[[], SqlStore]


def postgres_or_skip() -> None:
    """Skip (locally) or fail (in CI) when PostgreSQL cannot be reached."""
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
