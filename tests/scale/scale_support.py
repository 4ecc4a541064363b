"""Helpers for the multi-worker tests: a Slack thread to talk in, and PostgreSQL control."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from deployment import Deployment, DeploymentConfig
from fake_slack import BOT_USER_ID, Call
from slack_harness import Response
from slack_payloads import TEAM, event_callback
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Trust authentication ignores it; it is here so the log test can look for it.
DB_PASSWORD = "scale-db-password-4417"

DIALOGUE = (
    "should we fine-tune our ticket classifier? we have 1234 labeled tickets",
    "prompts get 6/10 right on 30 tests after 4 rounds",
    "format",
    "23%",
    "8 categories",
)
RECOMMENDATION = ("Recommendation:", "labeled examples 1,234", "systematic failures 23%")

_numbers = itertools.count(1)


class Thread:
    """One channel thread: the first message @mentions Advisor, the rest follow up."""

    def __init__(self, deployment: Deployment, channel: str = "CSCALE0001") -> None:
        self.deployment = deployment
        self.channel = channel
        self.ts = f"{int(time.time())}.{next(_numbers):06d}"
        self.sent: list[str] = []  # event ids, also each request's X-Request-Id
        self._bodies: dict[str, str] = {}

    def say(self, text: str) -> Response:
        """Send a message in the thread (the first one is an @mention)."""
        return self.deliver(self.prepare(text))

    def prepare(self, text: str) -> str:
        """Write the next message's event without sending it; its event id."""
        event_id = f"Ev{uuid.uuid4().hex[:12]}"
        self._bodies[event_id] = json.dumps(self.payload(text, event_id, first=not self.sent))
        self.sent.append(event_id)
        return event_id

    def deliver(self, event_id: str, retry_num: int | None = None) -> Response:
        """(Re)deliver an event sent before, as Slack does, with X-Slack-Retry-Num when a retry."""
        headers = {"X-Request-Id": event_id}
        if retry_num:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.deployment.sender.send(self._bodies[event_id], "application/json", headers)

    def body(self, event_id: str) -> str:
        return self._bodies[event_id]

    def payload(self, text: str, event_id: str, first: bool) -> dict[str, Any]:
        ts = self.ts if first else f"{int(time.time())}.{next(_numbers):06d}"
        event = {"type": "message", "user": "USCALE", "channel": self.channel, "ts": ts}
        event.update(event_ts=ts, team=TEAM, text=text)
        if first:
            event.update(type="app_mention", text=f"<@{BOT_USER_ID}> {text}")
        else:
            event.update(channel_type="channel", thread_ts=self.ts)
        return event_callback(event, event_id=event_id)

    def ask(self, text: str, timeout: float = 30.0) -> str:
        """Send a message and return the text of Advisor's reply to it."""
        before = len(self.replies())
        assert self.say(text).status == 200
        return str(self.reply(before + 1, timeout).params.get("text"))

    def reply(self, number: int, timeout: float = 30.0) -> Call:
        return self.deployment.reply_in(self.channel, self.ts, number, timeout)

    def replies(self) -> list[Call]:
        """Every message Advisor posted in this thread so far."""
        return [
            c
            for c in self.deployment.slack.calls_to("chat.postMessage")
            if c.params.get("channel") == self.channel and c.params.get("thread_ts") == self.ts
        ]

    @property
    def key(self) -> str:
        """The conversation's id in the store."""
        return f"{TEAM}:{self.channel}:{self.ts}"


def deployment_config(
    folder: Path, database_url: str, chroma: tuple[str, int], log_level: str = "DEBUG"
) -> DeploymentConfig:
    """Two workers over this database and Chroma server (DEBUG logs, see test_scale_logs)."""
    return DeploymentConfig(
        folder=folder,
        database_url=database_url,
        chroma_host=chroma[0],
        chroma_port=chroma[1],
        collection=f"scale-{uuid.uuid4().hex[:8]}",
        log_level=log_level,
    )


def quiet(deployment: Deployment, seconds: float = 1.5) -> None:
    """Wait until the fake Slack has had no call for `seconds` (late duplicates land now)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        count = len(deployment.slack.calls)
        time.sleep(seconds)
        if len(deployment.slack.calls) == count:
            return


def saved_slots(database_url: str, conversation: str) -> dict[str, Any]:
    """The slots a conversation's saved state holds, read straight from the database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT state FROM advisor_dialogue_state WHERE conversation = :c"),
                {"c": conversation},
            ).first()
    finally:
        engine.dispose()
    return dict(row[0].get("slots", {})) if row else {}


def postgres_or_skip(url: str) -> None:
    """Skip (locally) or fail (in CI) when PostgreSQL cannot be reached."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except Exception as exc:
        message = f"PostgreSQL at {url} is not reachable: {str(exc).splitlines()[0]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()


def pg_cluster(action: str) -> None:
    """Stop, start or restart the machine's PostgreSQL cluster (needs root and pg_ctlcluster)."""
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    if action in ("stop", "restart"):
        command += ["-m", "fast"]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def can_restart_postgres() -> str | None:
    """Why PostgreSQL cannot be restarted here, or None when it can."""
    if os.geteuid() != 0:
        return "restarting PostgreSQL needs root"
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        return "pg_ctlcluster or /etc/postgresql is missing"
    return None
