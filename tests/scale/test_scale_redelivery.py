"""A worker killed while its reply waits behind a 429 leaves the turn to the other worker,
which sends the reply once and does not apply the message a second time (2 workers,
PostgreSQL)."""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path

import pytest
from scale_support import Thread, deployment_config, quiet, saved_slots
from services import free_port, wait_until
from test_scale_chroma_faults import NoIngest

pytestmark = [pytest.mark.postgres, pytest.mark.chroma_server]

START = "help me decide: should we fine-tune our support bot?"


def test_a_turn_whose_worker_died_behind_a_429_is_applied_once(
    database_url: str, tmp_path: Path
) -> None:
    config = deployment_config(tmp_path, database_url, ("127.0.0.1", free_port()), "INFO")
    with NoIngest(dataclasses.replace(config, redeliver_after_s=3)) as deployment:
        victim = deployment.workers.pids()[0]
        thread = Thread(deployment)
        thread.ask(START)
        thread.ask("70%")
        deployment.slack.fail_next(1, status=429, retry_after=60, method="chat.postMessage")
        with deployment.workers.pinned(victim):
            assert thread.say("50").status == 200  # the answer to "how many test cases?"
        wait_until(lambda: bool(deployment.slack.failed), 30, "the reply to meet the 429")
        os.kill(victim, signal.SIGKILL)  # the state is saved, the reply not yet posted

        reply = str(thread.reply(3, timeout=45).params.get("text"))
        quiet(deployment)
        replies = thread.replies()
        slots = saved_slots(database_url, thread.key)

    assert "test cases 50" in reply
    assert len(replies) == 3
    assert slots.get("test_cases") == 50 and "prompt_iterations" not in slots
