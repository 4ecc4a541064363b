"""People's names for attributions (bot.slack.people), against the fake Slack Web API.

A name is looked up once (users.info) and cached; whatever goes wrong leaves the
mention, with one warning and no stack trace, and never holds a reply for long.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from datetime import UTC, datetime

import pytest
from fake_slack import FakeSlack
from hand_clock import Clock
from slack_sdk import WebClient

from bot.core.records import build_record
from bot.engine import decide
from bot.engine.models import DecisionInput
from bot.settings import Settings
from bot.slack.people import PAUSE_S, TTL_S, People, mentioned, name_of, unmention
from bot.slack.poster import build_client
from bot.slack.record_blocks import record_message

ANA, RAJ, LEE = "UANA0001", "URAJ0002", "ULEE0003"


@pytest.fixture
def client(slack: FakeSlack, settings: Settings) -> WebClient:
    slack.add_user(ANA, display_name="Ana", real_name="Ana Silva")
    slack.add_user(RAJ, real_name="Raj Patel")
    slack.add_user(LEE, name="lee")
    return build_client(settings, backoff_s=0)


def looked_up(slack: FakeSlack) -> list[str]:
    return [c.params["user"] for c in slack.calls_to("users.info")]


def test_the_name_slack_shows_display_name_then_real_name_then_user_name(
    slack: FakeSlack, client: WebClient
) -> None:
    names = People(client).names([ANA, RAJ, LEE, ANA])
    assert names == {ANA: "Ana", RAJ: "Raj Patel", LEE: "lee"}
    assert looked_up(slack) == [ANA, RAJ, LEE]  # one call per id, however often it comes
    assert name_of({"name": "x", "profile": {"display_name": "  Ana\n B "}}) == "Ana B"
    assert name_of({"profile": {}}) is None


def test_names_are_cached_for_an_hour_then_asked_again(slack: FakeSlack, client: WebClient) -> None:
    clock = Clock()
    people = People(client, clock=clock)
    assert people.names([ANA]) == {ANA: "Ana"}
    clock.now += TTL_S - 1
    assert people.names([ANA, RAJ]) == {ANA: "Ana", RAJ: "Raj Patel"}
    assert looked_up(slack) == [ANA, RAJ]
    clock.now += 2  # Ana's name is an hour old: she may have renamed herself
    assert people.names([ANA, RAJ]) == {ANA: "Ana", RAJ: "Raj Patel"}
    assert looked_up(slack) == [ANA, RAJ, ANA]


def test_the_cache_is_bounded_and_forgets_the_least_recently_used(
    slack: FakeSlack, client: WebClient
) -> None:
    people = People(client, size=2)
    people.names([ANA, RAJ])
    people.names([ANA])  # Ana used last: Raj is the one to go
    people.names([LEE])
    people.names([ANA, RAJ])
    assert looked_up(slack) == [ANA, RAJ, LEE, RAJ]


def test_an_unknown_person_stays_a_mention_and_does_not_stop_the_others(
    slack: FakeSlack, client: WebClient, caplog: pytest.LogCaptureFixture
) -> None:
    people = People(client)
    with caplog.at_level(logging.WARNING, logger="bot.slack.people"):
        names = people.names(["UGONE0009", ANA])
    assert names == {ANA: "Ana"}
    text = f"62% (<@UGONE0009>), 5 prompt versions (<@{ANA}>)"
    assert unmention(text, names) == "62% (<@UGONE0009>), 5 prompt versions (Ana)"
    assert [r.getMessage() for r in caplog.records] == [
        "users.info could not name UGONE0009: user_not_found"
    ]
    people.names(["UGONE0009"])
    assert looked_up(slack) == ["UGONE0009", ANA]  # the miss is remembered too


@pytest.mark.parametrize("error", ["missing_scope", "invalid_auth"])
def test_a_refused_look_up_leaves_mentions_logs_one_warning_and_pauses(
    slack: FakeSlack, client: WebClient, caplog: pytest.LogCaptureFixture, error: str
) -> None:
    slack.reply_error("users.info", error)
    clock = Clock()
    people = People(client, clock=clock)
    with caplog.at_level(logging.WARNING, logger="bot.slack.people"):
        assert people.names([ANA, RAJ, LEE]) == {}
        assert people.names([ANA, RAJ]) == {}  # within the pause: Slack is not asked
    assert looked_up(slack) == [ANA]  # the others were not asked either
    assert [r.getMessage() for r in caplog.records] == [f"users.info could not name {ANA}: {error}"]
    assert all(r.exc_info is None for r in caplog.records)  # a warning, not a stack trace

    slack.errors.clear()  # the scope was granted
    clock.now += PAUSE_S
    assert people.names([ANA, RAJ]) == {ANA: "Ana", RAJ: "Raj Patel"}


def test_a_rate_limit_is_not_waited_out(slack: FakeSlack, client: WebClient) -> None:
    slack.fail_next(1, status=429, retry_after=60, method="users.info")
    started = time.monotonic()
    assert People(client).names([ANA, RAJ]) == {}
    assert time.monotonic() - started < 5
    assert [c.params["user"] for c in slack.failed] == [ANA] and looked_up(slack) == []


def test_a_users_info_that_never_answers_is_bounded_by_the_timeout(
    slack: FakeSlack, client: WebClient, caplog: pytest.LogCaptureFixture
) -> None:
    slack.hang("users.info")
    people = People(client, timeout_s=1)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.slack.people"):
        assert people.names([ANA, RAJ, LEE]) == {}
    assert time.monotonic() - started < 3  # one timeout, not one per person
    assert looked_up(slack) == [ANA]
    ours = [r for r in caplog.records if r.name == "bot.slack.people"]
    assert len(ours) == 1 and ours[0].exc_info is None


def test_an_unreachable_slack_leaves_mentions(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    closed = settings.model_copy(update={"slack_api_url": f"http://127.0.0.1:{port}/api/"})
    assert People(build_client(closed, backoff_s=0)).names([ANA]) == {}


def test_mentions_are_found_once_each_in_order() -> None:
    text = f"a (<@{RAJ}>), b (<@{ANA}|ana>), c (<@{RAJ}>), channel <#C1|x>, <!here>"
    assert mentioned(text) == [RAJ, ANA]
    assert (
        unmention(text, {ANA: "Ana"})
        == f"a (<@{RAJ}>), b (Ana), c (<@{RAJ}>), channel <#C1|x>, <!here>"
    )


def test_a_record_names_who_stated_its_inputs_escaped_and_keeps_the_acting_people_mentioned() -> (
    None
):
    rec = decide(DecisionInput(task="classification", success_rate=0.62, test_cases=50))
    record = build_record(
        rec,
        workspace="T1",
        channel="C1",
        thread_ts="1.1",
        source_ts="1.2",
        saved_by=RAJ,
        asked_by=ANA,
        stated_by={"success_rate": ANA, "test_cases": LEE},
        now=datetime(2026, 11, 2, tzinfo=UTC),
    )
    text = json.dumps(record_message(record, {ANA: "Ana <&> Co"}).blocks, ensure_ascii=False)
    assert "stated in the thread by Ana &lt;&amp;&gt; Co" in text
    assert f"stated in the thread by <@{LEE}>" in text  # no name known: the mention
    assert f"asked by <@{ANA}>" in text and f"Saved by <@{RAJ}>" in text
    assert {s.by for s in record.sources if s.by} == {ANA, LEE}  # the record keeps ids
