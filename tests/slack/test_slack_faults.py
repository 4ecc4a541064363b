"""Bad signatures, Slack's retries, a flaky Web API, failures told to the user, Socket Mode."""

from __future__ import annotations

import http.client
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
import slack_payloads as P
from fake_slack import FakeSlack
from slack_bolt.request import BoltRequest
from slack_fakes import EchoCore, FailingCore, MemoryStore, make_knowledge_down
from slack_harness import BOT_TOKEN, AppServer, Running, SlackSender, serve, settle

from bot.settings import Settings
from bot.slack.adapter import FAILURE_TEXT, KNOWLEDGE_DOWN_TEXT
from bot.slack.app import SlackConfigError, build_app
from bot.slack.http import wsgi_app
from bot.slack.poster import build_client


@pytest.mark.parametrize(
    ("timestamp_offset", "signature"),
    [
        pytest.param(0, "v0=" + "0" * 64, id="forged-signature"),
        pytest.param(-600, None, id="stale-timestamp"),
    ],
)
def test_bad_signatures_get_401_and_nothing_runs(
    running: Running, slack: FakeSlack, timestamp_offset: int, signature: str | None
) -> None:
    body = json.dumps(P.app_mention("help", ts="1900.000100"))
    response = running.sender.send(
        body, "application/json", timestamp=int(time.time()) + timestamp_offset, signature=signature
    )
    assert response.status == 401
    settle(running.app)
    assert slack.calls == []


def test_a_retried_event_gets_exactly_one_reply(running: Running, slack: FakeSlack) -> None:
    payload = P.app_mention("help", ts="1900.000200")
    assert running.sender.event(payload).status == 200
    assert running.sender.event(payload, retry_num=1).status == 200
    assert running.sender.event(payload, retry_num=2).status == 200
    settle(running.app)
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_429_from_slack_is_retried_and_delivers_one_reply(
    running: Running, slack: FakeSlack
) -> None:
    slack.fail_next(1, status=429, retry_after=0, method="chat.postMessage")
    running.sender.event(P.app_mention("help", ts="1900.000300"))
    settle(running.app)
    assert len(slack.failed) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_429_then_server_errors_are_retried_and_deliver_one_reply(
    settings: Settings, slack: FakeSlack
) -> None:
    slack.fail_next(1, status=429, retry_after=0, method="chat.postMessage")
    slack.fail_next(2, status=500, method="chat.postMessage")
    slack.fail_next(1, status=503, method="chat.postMessage")
    wsgi = wsgi_app(settings, EchoCore(), MemoryStore(), client=build_client(settings, 0.01))
    with AppServer(wsgi) as server:
        SlackSender(server.url).event(P.app_mention("help", ts="1900.000400"))
        settle(wsgi.app)
    assert [c.params.get("thread_ts") for c in slack.failed] == ["1900.000400"] * 4
    assert len(slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("core", "told"),
    [
        pytest.param(FailingCore(), FAILURE_TEXT, id="core-crashes"),
        pytest.param(make_knowledge_down(), KNOWLEDGE_DOWN_TEXT, id="knowledge-base-down"),
    ],
)
def test_a_failure_is_told_to_the_user_in_the_thread(
    settings: Settings, slack: FakeSlack, core: FailingCore, told: str
) -> None:
    with serve(settings, core, MemoryStore()) as server:
        SlackSender(server.url).event(P.app_mention("what is lora?", ts="1900.000500"))
        post = slack.wait_for_method("chat.postMessage")[0]
    assert post.params["thread_ts"] == "1900.000500"
    assert post.params["text"] == told


def test_health_check_and_unknown_paths(running: Running) -> None:
    assert running.sender.get("/healthz").json() == {"ok": True}
    assert running.sender.get("/nope").status == 404
    assert running.sender.get("/slack/events").status == 405


def test_a_malformed_body_gets_400_not_500(running: Running) -> None:
    assert running.sender.send("{not json", "application/json").status == 400


def test_a_body_over_a_megabyte_is_refused_unread(running: Running) -> None:
    host, port = running.sender.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.putrequest("POST", "/slack/events")
    connection.putheader("Content-Length", str(2 << 20))
    connection.endheaders(b"{}")
    assert connection.getresponse().status == 413
    connection.close()


def test_socket_mode_requests_run_through_bolts_dispatch(slack: FakeSlack, tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,
        slack_app_token="xapp-1-test",
        slack_api_url=slack.api_url,
        data_dir=tmp_path,
    )
    store = MemoryStore()
    app = build_app(settings, FailingCore(), store, socket_mode=True)
    payload = P.app_mention("help", ts="1900.000600")

    response = app.dispatch(BoltRequest(body=payload, mode="socket_mode"))

    assert response.status == 200
    post = slack.wait_for_method("chat.postMessage")[0]
    assert post.params["thread_ts"] == "1900.000600"


def test_http_mode_refuses_to_start_without_a_signing_secret(
    slack: FakeSlack, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, slack_bot_token=BOT_TOKEN, data_dir=tmp_path)  # type: ignore[call-arg]
    with pytest.raises(SlackConfigError, match="SLACK_SIGNING_SECRET"):
        build_app(settings, FailingCore(), MemoryStore())


def test_an_expired_response_url_falls_back_to_a_private_message(
    running: Running, slack: FakeSlack
) -> None:
    slack.fail_next(1, status=404, method="response_url")
    running.sender.command(P.slash_command("what is lora?", slack.hook_url()))

    reply = slack.wait_for_method("chat.postEphemeral")[0]
    assert (reply.params["channel"], reply.params["user"]) == (P.CHANNEL, P.USER)
    assert "advisor_share" in reply.action_ids()


class _ThreadsForgotten(MemoryStore):
    """A store that stops answering once `down` is set (an outage mid-conversation)."""

    down = False

    def load_state(self, conversation: str) -> dict[str, Any] | None:
        if self.down:
            raise ConnectionError("database unreachable")
        return super().load_state(conversation)

    def claim_event(self, event_id: str, payload: dict[str, Any] | None = None) -> bool:
        if self.down:
            raise ConnectionError("database unreachable")
        return super().claim_event(event_id, payload)


def test_with_the_store_down_advisor_still_follows_its_own_threads_and_only_those(
    settings: Settings, slack: FakeSlack
) -> None:
    store = _ThreadsForgotten()
    wsgi = wsgi_app(settings, EchoCore(), store)
    with AppServer(wsgi) as server:
        sender = SlackSender(server.url)
        sender.event(P.app_mention("what is lora?", ts="1900.000700"))
        slack.wait_for_method("chat.postMessage")
        store.down = True

        sender.event(P.channel_message("and qlora?", ts="1900.000800", thread_ts="1900.000700"))
        sender.event(P.channel_message("lunch?", ts="1900.000900", thread_ts="1900.000850"))
        follow_up = slack.wait_for_method("chat.postMessage", count=2)[1]
        settle(wsgi.app)

    assert follow_up.params["thread_ts"] == "1900.000700"
    assert follow_up.params["text"] == "echo: and qlora?"
    threads = [c.params.get("thread_ts") for c in slack.calls_to("chat.postMessage")]
    assert "1900.000850" not in threads  # someone else's thread is left alone


def _raw_post(sender: SlackSender, body: bytes, timestamp: str) -> tuple[int, str]:
    host, port = sender.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    connection.request("POST", "/slack/events", body=body, headers=headers)
    response = connection.getresponse()
    answer = (response.status, response.read().decode())
    connection.close()
    return answer


@pytest.mark.parametrize(
    ("body", "timestamp", "status"),
    [
        pytest.param(b"{}", "abc", 401, id="timestamp-is-a-word"),
        pytest.param(b"{}", "1.5", 401, id="timestamp-is-a-fraction"),
        pytest.param(b"{}", "", 401, id="timestamp-is-empty"),
        pytest.param(b"{}", "9" * 5000, 401, id="timestamp-has-5000-digits"),
        pytest.param(b'{"text": "\xff\xfe"}', "", 401, id="latin-1-body-and-no-timestamp"),
        pytest.param(b'{"text": "\xff\xfe"}', "NOW", 400, id="latin-1-body"),
    ],
)
def test_an_unreadable_timestamp_or_body_is_refused_with_one_log_line(
    running: Running,
    slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    timestamp: str,
    status: int,
) -> None:
    stamp = str(int(time.time())) if timestamp == "NOW" else timestamp
    with caplog.at_level(logging.INFO, logger="bot.slack.http"):
        assert _raw_post(running.sender, body, stamp)[0] == status
    refusals = [r for r in caplog.records if r.name == "bot.slack.http"]
    assert len(refusals) == 1 and refusals[0].exc_info is None
    assert "Traceback" not in caplog.text
    settle(running.app)
    assert slack.calls == []
