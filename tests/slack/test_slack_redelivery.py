"""A delivery whose worker died after the ack is answered by a live worker, once.

The dead worker is played by its footprint in the real store: the delivery claimed,
its payload held, no reply posted. The live app's sweep then finds it stale.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import slack_payloads as P
from fake_slack import FakeSlack
from slack_harness import Running, settle

from bot.core.service import delivery
from bot.slack.dedupe import delivery_id
from bot.slack.inbound import dm_turn, team_of
from bot.slack.redelivery import Redeliverer, ended, started, working

LATER = timedelta(minutes=5)


def test_a_delivery_left_unfinished_by_a_dead_worker_is_answered_once(
    running: Running, slack: FakeSlack
) -> None:
    body = P.app_mention("what is lora?", ts="2100.000100")
    ident = delivery_id(body)
    assert running.store.claim_event(str(ident), body)  # taken, then the worker died
    sweeper = Redeliverer(running.app, running.store, after_s=60)

    assert running.sender.event(body, retry_num=1).status == 200  # Slack's retry: no reply
    assert sweeper.sweep() == 0  # not stale yet
    assert sweeper.sweep(datetime.now(UTC) + LATER) == 1
    settle(running.app)  # the redelivered work is done (and finished in the store)
    assert sweeper.sweep(datetime.now(UTC) + 2 * LATER) == 0

    [reply] = slack.calls_to("chat.postMessage")
    assert reply.params["thread_ts"] == "2100.000100"
    assert "Low-Rank Adaptation" in reply.params["text"]


def test_a_slow_delivery_whose_worker_lives_is_never_redone(
    running: Running, slack: FakeSlack
) -> None:
    body = P.app_mention("what is lora?", ts="2100.000150")
    ident = str(delivery_id(body))
    assert running.store.claim_event(ident, body)
    sweeper = Redeliverer(running.app, running.store, after_s=60)

    started(ident)  # this process is still working on it (an LLM, a Retry-After)
    try:
        assert sweeper.tick(datetime.now(UTC) + LATER) == 0
    finally:
        ended(ident)
    settle(running.app)
    assert slack.calls_to("chat.postMessage") == []


def test_a_finished_delivery_is_never_redone(running: Running, slack: FakeSlack) -> None:
    running.sender.event(P.app_mention("what is lora?", ts="2100.000200"))
    slack.wait_for_method("chat.postMessage")
    settle(running.app)

    sweeper = Redeliverer(running.app, running.store, after_s=60)
    assert sweeper.sweep(datetime.now(UTC) + LATER) == 0
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_payload_marked_as_a_redelivery_from_outside_is_still_deduplicated(
    running: Running, slack: FakeSlack
) -> None:
    body = P.app_mention("what is lora?", ts="2100.000300")
    running.sender.event(body)
    slack.wait_for_method("chat.postMessage")

    forged = {**body, "advisor_redelivery": f"guess:{delivery_id(body)}"}
    assert running.sender.event(forged, retry_num=1).status == 200
    settle(running.app)

    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_turn_saved_before_its_worker_died_is_applied_once_and_its_reply_sent(
    running: Running, slack: FakeSlack
) -> None:
    for n, text in enumerate(["help me decide: should we fine-tune our support bot?", "70%"]):
        running.sender.event(P.dm_message(text, ts=f"2100.00040{n}"))
        slack.wait_for_method("chat.postMessage", count=n + 1)  # saved before posting
    finished_earlier_turns()  # a reply is seen before its delivery is marked done
    body = P.dm_message("50", ts="2100.000410")  # the answer to "how many test cases?"
    ident = str(delivery_id(body))
    # The dead worker's footprint: the turn claimed and saved, its reply never posted
    # (it waited behind a 429 Retry-After when the worker was killed).
    assert running.store.claim_event(ident, body)
    with delivery(ident):
        running.core.handle(dm_turn(body["event"], team_of(body)).inbound)

    sweeper = Redeliverer(running.app, running.store, after_s=60)
    assert sweeper.sweep(datetime.now(UTC) + LATER) == 1
    settle(running.app)

    state = running.store.load_state(f"{P.TEAM}:{P.DM}:-") or {}
    assert state["slots"].get("test_cases") == 50
    assert "prompt_iterations" not in state["slots"]  # not applied a second time
    replies = slack.calls_to("chat.postMessage")[2:]
    assert len(replies) == 1 and "test cases 50" in replies[0].params["text"]


def finished_earlier_turns() -> None:
    """Wait until this process works on no delivery (each is finished after its reply)."""
    deadline = time.monotonic() + 10
    while working() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not working(), working()
