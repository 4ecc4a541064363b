"""Two gunicorn workers behind one URL share dialogue state and event claims."""

from __future__ import annotations

import os
import signal

import pytest
from deployment import Deployment
from scale_support import DIALOGUE, RECOMMENDATION, Thread, quiet, saved_slots
from services import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.chroma_server]


def test_a_dialogue_continues_whichever_worker_takes_each_message(
    deployment: Deployment, workers: list[int], database_url: str
) -> None:
    thread = Thread(deployment)
    replies = []
    for turn, text in enumerate(DIALOGUE):
        with deployment.workers.pinned(workers[turn % 2]):
            replies.append(thread.ask(text))

    served = [deployment.workers.served_by(event_id) for event_id in thread.sent]
    assert served == [[workers[turn % 2]] for turn in range(len(DIALOGUE))]
    assert "labeled examples 1,234" in replies[0]
    assert "success rate 60%" in replies[1]
    assert all(phrase in replies[-1] for phrase in RECOMMENDATION)
    assert saved_slots(database_url, thread.key)["labeled_examples"] == 1234


def test_a_retry_that_reaches_the_other_worker_gets_no_second_reply(
    deployment: Deployment, workers: list[int]
) -> None:
    thread = Thread(deployment)
    with deployment.workers.pinned(workers[0]):
        assert thread.say("what does fine-tuning cost?").status == 200
    with deployment.workers.pinned(workers[1]):
        assert thread.deliver(thread.sent[0], retry_num=1).status == 200
    quiet(deployment)

    assert sorted(deployment.workers.served_by(thread.sent[0])) == sorted(workers)
    assert len(thread.replies()) == 1


def test_a_killed_worker_is_replaced_and_its_dialogue_goes_on(
    deployment: Deployment, workers: list[int]
) -> None:
    victim, survivor = workers
    thread = Thread(deployment)
    with deployment.workers.pinned(victim):
        first = thread.ask(DIALOGUE[0])

    os.kill(victim, signal.SIGKILL)
    second = thread.ask(DIALOGUE[1])
    wait_until(
        lambda: len(deployment.workers.pids()) == 2 and victim not in deployment.workers.pids(),
        60,
        "a replacement worker",
    )
    replacement = next(p for p in deployment.workers.pids() if p != survivor)
    with deployment.workers.pinned(replacement):
        rest = [thread.ask(text) for text in DIALOGUE[2:]]

    assert "labeled examples 1,234" in first
    assert deployment.workers.served_by(thread.sent[1]) in ([survivor], [replacement])
    assert "success rate 60%" in second
    assert deployment.workers.served_by(thread.sent[-1]) == [replacement]
    assert all(phrase in rest[-1] for phrase in RECOMMENDATION)
