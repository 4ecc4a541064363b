"""Thread replies sent to the channel too, and assistant thread titles made of user text."""

from __future__ import annotations

import pytest
import slack_payloads as P
from fake_slack import FakeSlack
from slack_harness import Running, settle

from bot.slack.plain import plain_label

DECISION = "should we fine-tune or improve the prompt?"


def test_a_reply_also_sent_to_the_channel_is_answered_like_any_reply(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention(DECISION, ts="1800.000100"))
    slack.wait_for_method("chat.postMessage")

    broadcast = P.channel_message(
        "format", ts="1800.000200", thread_ts="1800.000100", subtype="thread_broadcast"
    )
    assert running.sender.event(broadcast).status == 200

    second = slack.wait_for_method("chat.postMessage", count=2)[1]
    assert second.params["thread_ts"] == "1800.000100" and second.params["text"]


def test_a_reply_sent_to_the_channel_in_a_thread_advisor_is_not_in_is_left_alone(
    running: Running, slack: FakeSlack
) -> None:
    broadcast = P.channel_message(
        "format", ts="1800.000400", thread_ts="1800.000300", subtype="thread_broadcast"
    )
    running.sender.event(broadcast)
    settle(running.app)
    assert slack.calls_to("chat.postMessage") == []


def test_an_assistant_thread_title_shows_no_slack_syntax_or_hidden_characters(
    running: Running, slack: FakeSlack
) -> None:
    text = "<!channel> read <http://evil.example|the guide> \u202egpj.exe\u200b <@U0BAD> fine-tune?"
    running.sender.event(P.dm_message(text, ts="1800.001001", thread_ts="1800.001000"))
    slack.wait_for_method("chat.postMessage")

    title = slack.calls_to("assistant.threads.setTitle")[0].params["title"]
    assert title == "read the guide gpj.exe fine-tune?"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        pytest.param("<!here|here> <!everyone> hi", "hi", id="special-commands"),
        pytest.param("ask <!subteam^S123|@eng> now", "ask now", id="user-group"),
        pytest.param("<http://x.example/a|click> me", "click me", id="link-keeps-its-label"),
        pytest.param("see <https://x.example/a>", "see https://x.example/a", id="bare-link"),
        pytest.param("hi <@U123|bob> in <#C1|general>", "hi bob in general", id="names-kept"),
        pytest.param("hi <@U123> and <#C1>", "hi and", id="bare-ids-dropped"),
        pytest.param("a &lt;!channel&gt; b &amp; c", "a !channel b & c", id="typed-brackets"),
        pytest.param("abc\u202edef\u2066g\u200dh\ufeff", "abcdefgh", id="bidi-and-zero-width"),
        pytest.param("line\none\ttab", "line one tab", id="one-line"),
        pytest.param("<!channel> \u200b", "Advisor", id="nothing-left"),
    ],
)
def test_plain_labels(text: str, title: str) -> None:
    assert plain_label(text, 60, fallback="Advisor") == title


def test_a_long_label_is_cut_to_the_limit() -> None:
    label = plain_label("word " * 40, 60, fallback="Advisor")
    assert len(label) <= 60 and label.startswith("word word")
