"""Fixtures for the multi-worker tests: the Procfile's gunicorn (2 workers) on loopback.

The workers share PostgreSQL (a schema of their own, dropped after) and a Chroma
server: the one `.ci/run` started (TEST_CHROMA_HOST / TEST_CHROMA_PORT), or one
started here. Slack is the fake Web API of tests/slack, whose helpers are reused.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
for folder in (REPO / "tests" / "slack", REPO / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from deployment import Deployment  # noqa: E402
from scale_support import (  # noqa: E402
    DB_PASSWORD,
    POSTGRES_URL,
    deployment_config,
    postgres_or_skip,
)
from services import ChromaServer, postgres_schema  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test database's URL, with a password trust authentication ignores (see test logs)."""
    postgres_or_skip(POSTGRES_URL)
    url = make_url(POSTGRES_URL).set(password=DB_PASSWORD)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def chroma_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """The Chroma server of .ci/run, or one of our own for this session."""
    host = os.environ.get("TEST_CHROMA_HOST")
    if host:
        yield host, int(os.environ.get("TEST_CHROMA_PORT", "8000"))
        return
    with ChromaServer(tmp_path_factory.mktemp("chroma")) as server:
        yield server.host, server.port


@pytest.fixture(scope="session")
def database_url(postgres_url: str) -> Iterator[str]:
    """A schema of this session's own in the test database."""
    with postgres_schema(postgres_url) as url:
        yield url


@pytest.fixture(scope="session")
def deployment(
    database_url: str, chroma_address: tuple[str, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """The shared deployment: fake Slack, 2 warm gunicorn workers, PostgreSQL, Chroma."""
    folder = tmp_path_factory.mktemp("deployment")
    running = Deployment(deployment_config(folder, database_url, chroma_address))
    with running:
        yield running
    running.drop_collection()


@pytest.fixture
def workers(deployment: Deployment) -> list[int]:
    """The two live worker pids (waits for a replaced worker to be ready first)."""
    deployment.workers.wait_ready()
    pids = deployment.workers.pids()
    assert len(pids) == 2, f"expected 2 workers, found {pids}"
    return pids
