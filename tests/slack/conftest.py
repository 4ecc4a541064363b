"""Fixtures: a fake Slack Web API, settings pointing at it, and the app in a real HTTP server.

The app runs over the real conversation core and the real SQLite store; one
knowledge-base answerer is shared by the whole session (its index builds once).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_slack import FakeSlack
from slack_harness import (
    BOT_TOKEN,
    REPO,
    SECRET,
    AppServer,
    Running,
    SlackSender,
    make_core,
    settle,
)

from bot.bootstrap import LazyAnswerer, knowledge_answerer
from bot.core.ports import Answerer
from bot.settings import Settings
from bot.slack.http import wsgi_app


@pytest.fixture(scope="session")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    """The real knowledge-base answerer over the shipped knowledge/, built on first use."""
    data = tmp_path_factory.mktemp("knowledge-index")
    settings = Settings(_env_file=None, knowledge_dir=REPO / "knowledge", data_dir=data)  # type: ignore[call-arg]
    return LazyAnswerer(lambda: knowledge_answerer(settings))


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def settings(slack: FakeSlack, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=slack.api_url,
        data_dir=tmp_path,
        knowledge_dir=REPO / "knowledge",
    )


@pytest.fixture
def running(settings: Settings, answerer: Answerer) -> Iterator[Running]:
    core, store = make_core(settings, answerer)
    wsgi = wsgi_app(settings, core, store)
    with AppServer(wsgi) as server:
        yield Running(SlackSender(server.url), core, store, wsgi.app)
        settle(wsgi.app)
    store.close()


@pytest.fixture
def sender(running: Running) -> SlackSender:
    return running.sender
