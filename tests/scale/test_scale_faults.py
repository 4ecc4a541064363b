"""Faults in a multi-worker deployment: a flaky Slack API, Chroma or PostgreSQL down, slow Slack."""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from deployment import Deployment
from scale_support import (
    DIALOGUE,
    RECOMMENDATION,
    Thread,
    can_restart_postgres,
    deployment_config,
    pg_cluster,
    postgres_or_skip,
    quiet,
)
from services import ChromaServer
from slack_harness import SECRET
from slack_sdk.signature import SignatureVerifier

pytestmark = [pytest.mark.postgres, pytest.mark.chroma_server]

UNAVAILABLE = "knowledge base is unavailable"


def test_a_429_then_server_errors_then_success_delivers_exactly_one_reply(
    deployment: Deployment, workers: list[int]
) -> None:
    slack = deployment.slack
    failed_before = len(slack.failed)
    slack.fail_next(1, status=429, retry_after=1, method="chat.postMessage")
    slack.fail_next(2, status=500, method="chat.postMessage")
    thread = Thread(deployment)

    reply = thread.ask("what does fine-tuning cost?")
    quiet(deployment)

    attempts = [c for c in slack.failed[failed_before:] if c.params.get("thread_ts") == thread.ts]
    assert len(attempts) == 3 and len(thread.replies()) == 1
    assert attempts[1].at - attempts[0].at >= 1.0  # Retry-After: 1 was honoured
    assert "$" in reply


def test_a_retry_after_a_slow_first_delivery_gets_one_reply(
    deployment: Deployment, workers: list[int]
) -> None:
    thread = Thread(deployment)
    event_id = thread.prepare("what is lora?")
    first = _SlowDelivery(deployment, thread.body(event_id), event_id)

    first.start()  # Slack sent it, but the body trickles in over 3.5 s
    time.sleep(3.0)  # Slack gives up waiting after 3 s, and retries
    assert thread.deliver(event_id, retry_num=1).status == 200
    first.join(timeout=10)
    quiet(deployment)

    assert first.status == 200
    assert len(thread.replies()) == 1
    assert "LoRA" in str(thread.replies()[0].params["text"])


@pytest.fixture
def own_chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    with ChromaServer(tmp_path / "chroma") as server:
        yield server


def _on_own_chroma(
    database_url: str, chroma: ChromaServer, folder: Path, **overrides: Any
) -> Deployment:
    """A deployment of its own, on a Chroma server the test may stop or freeze."""
    config = deployment_config(folder, database_url, (chroma.host, chroma.port), "INFO")
    return Deployment(dataclasses.replace(config, **overrides))


@pytest.mark.slow
def test_with_chroma_down_questions_say_so_and_decisions_still_work(
    database_url: str, own_chroma: ChromaServer, tmp_path: Path
) -> None:
    with _on_own_chroma(database_url, own_chroma, tmp_path / "app") as deployment:
        # both workers answered a question already
        own_chroma.stop()
        down = [_pinned_ask(deployment, pid, "whats lora") for pid in deployment.workers.pids()]
        decision = Thread(deployment).ask(DIALOGUE[0])
        own_chroma.start()
        back = Thread(deployment).ask("whats lora")

    assert all(UNAVAILABLE in text for text in down), down
    assert "Decisions still work" in down[0]
    assert "labeled examples 1,234" in decision
    assert "LoRA" in back


@pytest.mark.slow
def test_a_worker_killed_between_ack_and_reply_has_its_reply_sent_by_another(
    database_url: str, own_chroma: ChromaServer, tmp_path: Path
) -> None:
    with _on_own_chroma(
        database_url, own_chroma, tmp_path / "app", redeliver_after_s=3
    ) as deployment:
        victim = deployment.workers.pids()[0]
        thread = Thread(deployment)
        with own_chroma.paused():  # the victim's search hangs: acked, not yet answered
            with deployment.workers.pinned(victim):
                assert thread.say("whats lora").status == 200
            time.sleep(1.0)
            os.kill(victim, signal.SIGKILL)
        reply = thread.reply(1, timeout=45)
        quiet(deployment)
        replies = thread.replies()

    assert deployment.workers.served_by(thread.sent[0]) == [victim]
    assert len(replies) == 1 and "LoRA" in str(reply.params["text"])


@pytest.fixture
def postgres_restartable(postgres_url: str) -> Iterator[None]:
    """Skip where PostgreSQL cannot be restarted; always leave it running."""
    reason = can_restart_postgres()
    if reason:
        pytest.skip(reason)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # pg_ctlcluster refuses to start it twice
            pg_cluster("start")
        postgres_or_skip(postgres_url)


@pytest.mark.slow
def test_the_app_recovers_from_a_postgres_restart_without_losing_dialogue_state(
    deployment: Deployment, workers: list[int], postgres_restartable: None
) -> None:
    thread = Thread(deployment)
    first = thread.ask(DIALOGUE[0])

    pg_cluster("restart")
    second = thread.ask(DIALOGUE[1])
    pg_cluster("stop")
    during = thread.ask(DIALOGUE[2])  # acknowledged; the reply says to try again
    pg_cluster("start")
    rest = [thread.ask(text) for text in DIALOGUE[2:]]

    assert "labeled examples 1,234" in first
    assert "success rate 60%" in second
    assert "try again" in during and "Traceback" not in during
    assert all(phrase in rest[-1] for phrase in RECOMMENDATION)


def _pinned_ask(deployment: Deployment, pid: int, text: str) -> str:
    with deployment.workers.pinned(pid):
        return Thread(deployment).ask(text)


class _SlowDelivery(threading.Thread):
    """Slack's first delivery of an event, whose body arrives slowly."""

    def __init__(self, deployment: Deployment, body: str, event_id: str) -> None:
        super().__init__(daemon=True)
        self.url = deployment.workers.url.removeprefix("http://")
        self.body, self.event_id = body.encode(), event_id
        self.status: int | None = None

    def run(self) -> None:
        host, port = self.url.split(":")
        ts = str(int(time.time()))
        signature = SignatureVerifier(SECRET).generate_signature(
            timestamp=ts, body=self.body.decode()
        )
        connection = http.client.HTTPConnection(host, int(port), timeout=15)
        connection.putrequest("POST", "/slack/events")
        for name, value in (
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(self.body))),
            ("X-Slack-Request-Timestamp", ts),
            ("X-Slack-Signature", signature),
            ("X-Request-Id", self.event_id),
        ):
            connection.putheader(name, value)
        connection.endheaders()
        half = len(self.body) // 2
        connection.send(self.body[:half])
        time.sleep(3.5)
        connection.send(self.body[half:])
        self.status = connection.getresponse().status
        connection.close()
