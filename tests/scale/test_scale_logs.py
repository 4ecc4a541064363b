"""Secrets never reach a log line, in any worker, even when a user pastes them."""

from __future__ import annotations

import json
import time

import pytest
import slack_payloads as P
from deployment import Deployment
from scale_support import DB_PASSWORD, Thread
from slack_harness import BOT_TOKEN, SECRET

from bot.logs import REDACTED

pytestmark = [pytest.mark.postgres, pytest.mark.chroma_server]


def test_no_token_secret_or_password_reaches_the_workers_logs(
    deployment: Deployment, workers: list[int]
) -> None:
    deployment.slack.fail_next(1, status=429, retry_after=0, method="chat.postMessage")
    Thread(deployment).ask("what does fine-tuning cost?")
    for number, secret in enumerate((BOT_TOKEN, SECRET, DB_PASSWORD)):
        _paste_in_assistant_thread(deployment, f"{secret} is what we use", number)

    logs = deployment.workers.log_text()
    access = deployment.workers.access_path.read_text()

    assert {f"DEBUG {pid} " in logs for pid in workers} == {True}  # every worker logged
    assert "assistant.threads.setTitle" in logs and REDACTED in logs  # pasted, then redacted
    for secret in (BOT_TOKEN, SECRET, DB_PASSWORD, "xoxb-"):
        assert secret not in logs
        assert secret not in access


def _paste_in_assistant_thread(deployment: Deployment, text: str, number: int) -> None:
    """A DM in an assistant thread: its first message becomes the thread's title (logged)."""
    thread_ts = f"{int(time.time())}.{number + 1:06d}"
    payload = P.dm_message(text, ts=f"{thread_ts}1", thread_ts=thread_ts, channel="DLOGS00001")
    assert deployment.sender.send(json.dumps(payload), "application/json").status == 200
    deployment.reply_in("DLOGS00001", thread_ts)
