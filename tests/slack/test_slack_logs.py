"""Secrets never reach a log line: Slack tokens, signing secrets, database passwords."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import slack_payloads as P
from fake_slack import FakeSlack
from slack_fakes import FailingCore, MemoryStore
from slack_harness import BOT_TOKEN, SECRET, SlackSender, serve

import bot.logs
from bot.logs import REDACTED, Redactor, configure_logging, secrets_of
from bot.settings import Settings


@pytest.fixture
def restore_logging() -> Iterator[None]:
    factory = logging.getLogRecordFactory()
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    logging.setLogRecordFactory(factory)
    bot.logs._base_factory = None
    root.setLevel(level)
    root.handlers[:] = handlers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("token xoxb-123-456-abcDEF ok", f"token {REDACTED} ok", id="bot-token"),
        pytest.param("xoxp-1-2-3 and xapp-1-A1-2-ff", f"{REDACTED} and {REDACTED}", id="user-app"),
        pytest.param(
            "Authorization: Bearer abc.def", f"Authorization: Bearer {REDACTED}", id="bearer"
        ),
        pytest.param(
            "postgresql+psycopg://advisor:s3cr3t@db:5432/a",
            f"postgresql+psycopg://advisor:{REDACTED}@db:5432/a",
            id="db-password",
        ),
        pytest.param("secret is my-signing-secret!", f"secret is {REDACTED}!", id="explicit"),
        pytest.param("nothing to hide: 7/10, $3k", "nothing to hide: 7/10, $3k", id="plain"),
    ],
)
def test_redactor_hides_secrets(text: str, expected: str) -> None:
    assert Redactor(["my-signing-secret"])(text) == expected


def test_the_secrets_come_from_the_settings() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-a",
        slack_signing_secret="sign-me-please",
        database_url="postgresql://u:pa55word@h/db",
    )
    assert set(secrets_of(settings)) == {"xoxb-a", "sign-me-please", "pa55word"}


def test_log_records_are_redacted_for_every_handler(
    restore_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(_env_file=None, slack_signing_secret="sign-me-please")  # type: ignore[call-arg]
    configure_logging(settings)
    log = logging.getLogger("advisor.test")
    with caplog.at_level(logging.INFO):
        log.info("secret %s and token %s", "sign-me-please", "xoxb-9-9-zz")
        try:
            raise RuntimeError("failed with xoxb-1-2-leak")
        except RuntimeError:
            log.exception("boom")
    assert "sign-me-please" not in caplog.text
    assert "xoxb-" not in caplog.text
    assert REDACTED in caplog.text


def test_running_the_app_logs_no_token_or_secret(
    restore_logging: None, caplog: pytest.LogCaptureFixture, settings: Settings, slack: FakeSlack
) -> None:
    configure_logging(settings)
    with caplog.at_level(logging.DEBUG), serve(settings, FailingCore(), MemoryStore()) as server:
        SlackSender(server.url).event(P.app_mention("help", ts="2000.1"))
        slack.wait_for_method("chat.postMessage")
    assert caplog.records  # debug logging really ran
    assert BOT_TOKEN not in caplog.text
    assert SECRET not in caplog.text
    assert "xoxb-should-never-be-logged" not in caplog.text
