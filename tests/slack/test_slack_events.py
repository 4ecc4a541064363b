"""End to end over real HTTP: Slack events in, Web API calls out (recorded by the fake Slack)."""

from __future__ import annotations

import slack_payloads as P
from fake_slack import FakeSlack
from slack_harness import Running, settle

DECISION = (
    "should we fine-tune our ticket classifier? prompts get 7/10 right after 4 rounds, "
    "we have ~300 labeled tickets across 10 categories"
)


def test_url_verification_echoes_the_challenge(running: Running, slack: FakeSlack) -> None:
    payload = {
        "token": "x",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdA",
        "type": "url_verification",
    }
    response = running.sender.event(payload)
    assert response.status == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdA"}
    assert slack.calls == []


def test_a_mention_at_the_channel_root_is_answered_in_a_thread_under_it(
    running: Running, slack: FakeSlack
) -> None:
    response = running.sender.event(P.app_mention(DECISION, ts="1700.000100"))
    assert response.status == 200

    post = slack.wait_for_method("chat.postMessage")[0]
    assert post.params["channel"] == P.CHANNEL
    assert post.params["thread_ts"] == "1700.000100"
    assert "When it fails" in post.params["text"]
    assert any(a.startswith("advisor_choice:") for a in post.action_ids())


def test_a_mention_inside_a_thread_is_answered_in_that_thread(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention("help", ts="1700.000300", thread_ts="1700.000200"))

    post = slack.wait_for_method("chat.postMessage")[0]
    assert post.params["thread_ts"] == "1700.000200"


def test_follow_ups_in_the_thread_continue_the_dialogue_without_a_mention(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention(DECISION, ts="1700.000400"))
    slack.wait_for_method("chat.postMessage")

    running.sender.event(P.channel_message("format", ts="1700.000500", thread_ts="1700.000400"))

    second = slack.wait_for_method("chat.postMessage", count=2)[1]
    assert second.params["thread_ts"] == "1700.000400"
    assert "failure cause format" in second.params["text"]
    assert "systematic" in second.params["text"]


def test_each_thread_is_its_own_conversation(running: Running, slack: FakeSlack) -> None:
    running.sender.event(P.app_mention(DECISION, ts="1700.000600"))
    slack.wait_for_method("chat.postMessage")
    running.sender.event(P.app_mention("should we fine-tune?", ts="1700.000700"))

    other = slack.wait_for_method("chat.postMessage", count=2)[1]
    assert other.params["thread_ts"] == "1700.000700"
    assert "300" not in other.params["text"]  # nothing from the first thread leaks in


def test_a_thread_advisor_is_not_in_is_left_alone(running: Running, slack: FakeSlack) -> None:
    running.sender.event(P.channel_message("format", ts="1700.000900", thread_ts="1700.000800"))
    running.sender.event(P.channel_message("plain channel chatter", ts="1700.001000"))
    settle(running.app)
    assert slack.calls_to("chat.postMessage") == []


def test_a_follow_up_that_mentions_advisor_gets_one_reply_not_two(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention("help", ts="1700.001100"))
    slack.wait_for_method("chat.postMessage")
    text = f"<@{P.BOT_USER}> what can you do"
    running.sender.event(P.channel_message(text, ts="1700.001200", thread_ts="1700.001100"))
    running.sender.event(
        P.app_mention("what can you do", ts="1700.001200", thread_ts="1700.001100")
    )
    settle(running.app)
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_edits_bot_messages_and_other_subtypes_are_ignored(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention("help", ts="1700.001300"))
    slack.wait_for_method("chat.postMessage")
    thread = "1700.001300"
    edited = P.channel_message("x", ts="1700.001400", thread_ts=thread, subtype="message_changed")
    from_bot = P.channel_message("x", ts="1700.001500", thread_ts=thread, bot_id="B999")
    for payload in (edited, from_bot):
        assert running.sender.event(payload).status == 200
    settle(running.app)
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_direct_message_is_answered_in_the_dm(running: Running, slack: FakeSlack) -> None:
    running.sender.event(P.dm_message(DECISION, ts="1700.002000"))

    post = slack.wait_for_method("chat.postMessage")[0]
    assert post.params["channel"] == P.DM
    assert "thread_ts" not in post.params
    assert "When it fails" in post.params["text"]


def test_a_new_assistant_thread_gets_a_greeting_and_suggested_prompts(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.assistant_thread_started(thread_ts="1700.003000"))

    prompts = slack.wait_for_method("assistant.threads.setSuggestedPrompts")[0]
    greeting = slack.wait_for_method("chat.postMessage")[0]
    assert greeting.params["thread_ts"] == "1700.003000"
    assert "Hi!" in greeting.params["text"]
    titles = [p["title"] for p in prompts.params["prompts"]]
    assert "Should we fine-tune?" in titles


def test_assistant_thread_messages_show_thinking_and_title_the_thread_once(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.dm_message(DECISION, ts="1700.004001", thread_ts="1700.004000"))
    first = slack.wait_for_method("chat.postMessage")[0]
    running.sender.event(P.dm_message("format", ts="1700.004002", thread_ts="1700.004000"))
    slack.wait_for_method("chat.postMessage", count=2)

    statuses = [c.params["status"] for c in slack.calls_to("assistant.threads.setStatus")]
    titles = slack.calls_to("assistant.threads.setTitle")
    assert statuses == ["is thinking…", "is thinking…"]
    assert len(titles) == 1 and titles[0].params["title"].startswith("should we fine-tune")
    assert first.params["thread_ts"] == "1700.004000"


def test_app_home_lists_the_users_recent_decisions(running: Running, slack: FakeSlack) -> None:
    running.sender.event(P.dm_message(DECISION + ", failures are random", ts="1700.005000"))
    slack.wait_for_method("chat.postMessage")
    running.sender.event(P.dm_message("recommend now", ts="1700.005001"))
    slack.wait_for(
        lambda calls: any("Recommendation" in c.block_text() for c in calls),
        what="a recommendation",
    )
    running.sender.event(P.app_home_opened())

    view = slack.wait_for_method("views.publish")[0]
    assert view.params["user_id"] == P.USER
    assert "Your recent decisions" in str(view.params["view"])
    assert "No decisions yet" not in str(view.params["view"])
