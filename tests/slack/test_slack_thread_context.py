"""End to end over real HTTP: @Advisor at the end of a planning thread reads the thread first.

The fake Slack serves the thread through `conversations.replies` (in pages, with
cursors, or with a scripted error); the app runs over the real core and store.
"""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest
import slack_payloads as P
from fake_slack import BOT_ID, BOT_USER_ID, Call, FakeSlack
from pydantic import SecretStr
from slack_bolt.request import BoltRequest
from slack_harness import REPO, Running, make_core, settle
from slack_sdk import WebClient
from test_slack_interactions import click

from bot.core.ports import Answerer
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.people import CALL_TIMEOUT_S as PEOPLE_TIMEOUT_S
from bot.slack.poster import build_client
from bot.slack.thread_reader import (
    MAX_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_MESSAGES,
    SHORTCUT,
    UNREADABLE,
    read_thread,
)

ROOT = "1700000100.000100"
WAIT_S = 30.0  # the first turn loads the meaning model; the machine may be busy
ANA, RAJ, LEE = "UANA0001", "URAJ0002", "ULEE0003"


@pytest.fixture(autouse=True)
def people(slack: FakeSlack) -> None:
    """users.info knows the thread's people: Slack shows Ana's display name, Raj's real
    name (he set no display name) and Lee's user name (neither set)."""
    slack.add_user(ANA, display_name="Ana", real_name="Ana Silva")
    slack.add_user(RAJ, real_name="Raj Patel")
    slack.add_user(LEE, name="lee")


def said(user: str, text: str, n: int, **extra: Any) -> dict[str, Any]:
    """A message as conversations.replies lists it: the n-th of the thread."""
    ts = ROOT if n == 0 else f"1700000100.{100 + n:06d}"
    return {"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": ROOT, **extra}


PLANNING = [
    (ANA, "Planning thread for the contract clause classifier, Q3. Please add what you know."),
    (RAJ, "What does the current prompt do on the eval set?"),
    (ANA, "First version got 48% on our 50 test cases."),
    (LEE, "Is that the latest prompt?"),
    (ANA, "No: we tried 5 prompt versions, the best gets 62% on the 50 test cases."),
    (RAJ, "Legal has 1,200 labeled examples from the last contract review."),
    (LEE, "What if we had 5,000 labeled examples, would that change anything?"),
    (RAJ, "It picks between 12 clause categories."),
    (LEE, "Budget is tight this quarter, fine-tuning sounds expensive."),
    (ANA, "Agreed, let's not guess."),
    (RAJ, "Could we get more examples from the archive?"),
    (LEE, "Let's ask Advisor."),
]
MENTION_TS = f"1700000100.{100 + len(PLANNING):06d}"


def planning_thread() -> list[dict[str, Any]]:
    return [said(user, text, n) for n, (user, text) in enumerate(PLANNING)]


def mention(running: Running, text: str = "should we fine-tune?", ts: str = MENTION_TS) -> None:
    assert running.sender.event(P.app_mention(text, ts=ts, thread_ts=ROOT)).status == 200


def first_post(slack: FakeSlack) -> Call:
    return slack.wait_for_method("chat.postMessage", timeout=WAIT_S)[0]


def test_a_mention_at_the_end_of_a_planning_thread_says_what_it_picked_up_and_from_whom(
    running: Running, slack: FakeSlack
) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    mention(running)

    post = first_post(slack)
    text = post.params["text"]
    assert post.params["thread_ts"] == ROOT
    assert "From this thread:" in text
    assert "success rate 62% on 50 test cases (Ana)" in text  # the newest rate, not 48%
    assert "5 prompt versions (Ana)" in text
    assert "1,200 labeled examples (Raj Patel)" in text  # not the hypothetical 5,000
    assert "12 categories (Raj Patel)" in text
    assert "48%" not in text and "5,000" not in text
    assert "Still missing: why the failures happen" in text
    # The summary comes before the one question, which asks only for what is missing.
    assert text.index("From this thread") < text.index("When it fails")
    for known in (
        "How often does your best prompt",
        "How many prompt versions",
        "labeled examples (input",
    ):
        assert known not in text
    assert any(a.startswith("advisor_choice:") for a in post.action_ids())
    replies = slack.calls_to("conversations.replies")
    assert [(c.params["channel"], c.params["ts"]) for c in replies] == [(P.CHANNEL, ROOT)]


# --- people are credited by name: a mention in Advisor's message would notify them -----


def no_mention_of(post: Call, *users: str) -> bool:
    """Neither the text nor the blocks of `post` mention (and so notify) any of `users`."""
    return not any(f"<@{u}" in post.params["text"] + post.block_text() for u in users)


def test_a_summary_names_the_people_it_credits_and_pings_none_of_them(
    running: Running, slack: FakeSlack
) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    mention(running)

    post = first_post(slack)
    assert "success rate 62% on 50 test cases (Ana), 5 prompt versions (Ana)" in post.block_text()
    assert "1,200 labeled examples (Raj Patel)" in post.block_text()
    assert no_mention_of(post, ANA, RAJ, LEE)
    looked_up = [c.params["user"] for c in slack.calls_to("users.info")]
    assert sorted(looked_up) == sorted([ANA, RAJ])  # one call each, only those credited

    # A second thread, the same people: their names come from the process's cache.
    other = "1700000900.000100"
    earlier = [
        (RAJ, "The summarizer gets 70% on 40 test cases."),
        (ANA, "Legal has 800 labeled examples."),
    ]
    slack.add_said(P.CHANNEL, other, earlier)
    event = P.app_mention("should we fine-tune?", ts="1700000900.000200", thread_ts=other)
    assert running.sender.event(event).status == 200
    slack.wait_for(
        lambda calls: any(c.params.get("thread_ts") == other for c in calls),
        timeout=WAIT_S,
        what="the second summary",
    )
    second = next(c for c in slack.calls_to("chat.postMessage") if c.params["thread_ts"] == other)
    assert "success rate 70% on 40 test cases (Raj Patel)" in second.params["text"]
    assert "800 labeled examples (Ana)" in second.params["text"]
    assert no_mention_of(second, ANA, RAJ)
    assert len(slack.calls_to("users.info")) == 2  # no second look-up for either


def test_without_the_users_read_scope_the_summary_still_comes_with_mentions(
    running: Running, slack: FakeSlack
) -> None:
    slack.reply_error("users.info", "missing_scope")
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    mention(running)

    text = first_post(slack).params["text"]
    assert f"success rate 62% on 50 test cases (<@{ANA}>)" in text
    assert f"1,200 labeled examples (<@{RAJ}>)" in text
    assert "Still missing: why the failures happen" in text
    assert len(slack.calls_to("users.info")) == 1  # Slack refused: the other is not asked


def test_a_users_info_that_never_answers_delays_the_summary_by_one_timeout_at_most(
    running: Running, slack: FakeSlack
) -> None:
    slack.hang("users.info")
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    mention(running)

    text = first_post(slack).params["text"]
    assert f"success rate 62% on 50 test cases (<@{ANA}>)" in text
    assert f"12 categories (<@{RAJ}>)" in text
    assert len(slack.calls_to("users.info")) == 1
    summary_at = slack.calls_to("chat.postMessage")[0].at
    assert summary_at - slack.calls_to("users.info")[0].at < PEOPLE_TIMEOUT_S + 2.0


def test_bots_and_advisors_own_messages_are_not_read_as_facts(
    running: Running, slack: FakeSlack
) -> None:
    thread = [
        *planning_thread(),
        said("UBOT0009", "Eval bot: success rate 95% on 400 test cases.", 20, bot_id="B0009"),
        said(
            "", "Nightly report: 9 prompt versions deployed", 21, subtype="bot_message", bot_id="B7"
        ),
        said(BOT_USER_ID, "Earlier I noted 3,000 labeled examples.", 22, bot_id=BOT_ID),
        said(ANA, "raj joined", 23, subtype="channel_join"),
    ]
    slack.add_thread(P.CHANNEL, ROOT, thread)
    mention(running, ts="1700000100.000200")

    text = first_post(slack).params["text"]
    assert "success rate 62% on 50 test cases (Ana)" in text
    assert "5 prompt versions (Ana)" in text
    assert "1,200 labeled examples (Raj Patel)" in text
    for from_a_bot in ("95%", "400", "9 prompt versions", "3,000", "UBOT0009", BOT_USER_ID):
        assert from_a_bot not in text


def test_a_thread_in_several_pages_is_read_to_its_end(running: Running, slack: FakeSlack) -> None:
    thread = planning_thread()
    thread[10] = said(LEE, "Correction: it's 1,500 labeled examples now, legal added more.", 10)
    slack.add_thread(P.CHANNEL, ROOT, thread, page_size=5)
    mention(running)

    text = first_post(slack).params["text"]
    cursors = [c.params.get("cursor") for c in slack.calls_to("conversations.replies")]
    assert cursors == [None, "page:5", "page:10"]
    assert "1,500 labeled examples (lee)" in text  # said on the last page, newest wins
    assert "5 prompt versions (Ana)" in text  # said on the first page


def test_a_thread_too_long_to_read_whole_is_summarized_by_its_most_recent_messages(
    running: Running, slack: FakeSlack
) -> None:
    chatter = [said(LEE, f"Status note {n}: still looking at options.", n) for n in range(1, 150)]
    thread = [
        said(ANA, "We have 800 labeled examples.", 0),
        *chatter,
        said(ANA, "The prompt gets 62% on 50 test cases after 5 prompt versions.", 150),
    ]
    slack.add_thread(P.CHANNEL, ROOT, thread, page_size=100)
    mention(running, ts="1700000100.000300")

    text = first_post(slack).params["text"]
    assert "success rate 62% on 50 test cases (Ana)" in text
    assert "800" not in text  # only in the oldest message, beyond the most recent ones
    assert f"I read only its {MAX_MESSAGES} most recent messages" in text


@pytest.mark.parametrize(
    ("error", "note"),
    [
        ("missing_scope", "lacks permission to read channel history"),
        ("not_in_channel", "not a member of this channel"),
        ("ratelimited", "couldn't read the earlier messages of this thread just now"),
    ],
    ids=["missing-scope", "not-in-channel", "other-error"],
)
def test_a_thread_slack_will_not_show_degrades_to_asking_with_a_one_line_note(
    running: Running, slack: FakeSlack, error: str, note: str
) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    slack.reply_error("conversations.replies", error)
    mention(running)

    text = first_post(slack).params["text"]
    assert note in text
    assert "From this thread" not in text
    lines = [line for line in text.splitlines() if "couldn't read" in line]
    assert len(lines) == 1
    # Today's behaviour after the note: the dialogue starts from nothing and asks.
    assert "Let's work out your best next step" in text
    assert "62%" not in text


def test_one_message_or_one_click_corrects_what_was_picked_up(
    running: Running, slack: FakeSlack
) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    mention(running)
    question = first_post(slack)

    click(running, question, "advisor_open_form")  # the form, prefilled from the thread
    view = json.dumps(slack.wait_for_method("views.open", timeout=WAIT_S)[0].params["view"])
    for prefilled in ("0.62", "50", "5", "1200"):
        assert f'"initial_value": "{prefilled}"' in view

    correction = "Sorry, the success rate is 58% on 50 test cases, not 62%."
    running.sender.event(P.channel_message(correction, ts="1700000100.000600", thread_ts=ROOT))
    second = slack.wait_for_method("chat.postMessage", count=2, timeout=WAIT_S)[1]
    assert "success rate 58%" in second.params["text"]
    assert "When it fails" in second.params["text"]  # the open question is asked again


def test_a_bare_mention_under_a_discussion_sums_it_up_instead_of_showing_help(
    running: Running, slack: FakeSlack
) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    mention(running, text="")

    text = first_post(slack).params["text"]
    assert text.startswith("From this thread:")
    assert "When it fails" in text
    assert "I help teams decide" not in text and "I didn't get any text" not in text


def test_a_second_mention_in_a_thread_advisor_is_in_does_not_read_it_again(
    running: Running, slack: FakeSlack
) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    mention(running)
    first_post(slack)
    mention(running, text="what does fine-tuning cost?", ts="1700000100.000400")
    slack.wait_for_method("chat.postMessage", count=2, timeout=WAIT_S)
    settle(running.app)
    assert len(slack.calls_to("conversations.replies")) == 1


def test_a_mention_at_a_channel_root_reads_no_thread(running: Running, slack: FakeSlack) -> None:
    running.sender.event(P.app_mention("should we fine-tune?", ts="1700000200.000100"))
    text = first_post(slack).params["text"]
    assert "From this thread" not in text
    assert slack.calls_to("conversations.replies") == []


def test_the_decision_then_completes_with_the_threads_facts(
    running: Running, slack: FakeSlack
) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    mention(running)
    first_post(slack)

    answers = iter(["format", "30%", "90%", "English", "recommend now"])
    for n in range(1, 6):
        posts = slack.calls_to("chat.postMessage")
        if any("Recommendation:" in p.params["text"] for p in posts):
            break
        ts = f"1700000100.{500 + n:06d}"
        running.sender.event(P.channel_message(next(answers), ts=ts, thread_ts=ROOT))
        slack.wait_for_method("chat.postMessage", count=len(posts) + 1, timeout=WAIT_S)

    card = [p for p in slack.calls_to("chat.postMessage") if "Recommendation:" in p.params["text"]]
    assert card, "no recommendation after answering what was missing"
    understood = card[0].params["text"]
    for fact in (
        "success rate 62% (on 50 test cases)",
        "prompt iterations 5",
        "labeled examples 1,200",
        "categories 12",
        "failure cause format",
    ):
        assert fact in understood
    assert running.store.recent_decisions(P.USER)[0].slots["labeled_examples"] == 1200


def test_socket_mode_reads_the_thread_through_the_same_listener(
    slack: FakeSlack, settings: Settings, answerer: Answerer
) -> None:
    socket_settings = settings.model_copy(
        update={"slack_signing_secret": None, "slack_app_token": SecretStr("xapp-1-test")}
    )
    core, store = make_core(socket_settings, answerer)
    app = build_app(socket_settings, core, store, socket_mode=True)
    slack.add_thread(P.CHANNEL, ROOT, planning_thread(), page_size=5)
    payload = P.app_mention("should we fine-tune?", ts=MENTION_TS, thread_ts=ROOT)

    assert app.dispatch(BoltRequest(body=payload, mode="socket_mode")).status == 200

    text = first_post(slack).params["text"]
    assert "success rate 62% on 50 test cases (Ana)" in text
    assert len(slack.calls_to("conversations.replies")) == 3
    settle(app)
    store.close()


# --- the reader's caps, against the fake Web API directly ----------------------------


def reader_client(slack: FakeSlack, settings: Settings) -> WebClient:
    return build_client(settings, backoff_s=0)


def test_the_newest_messages_are_kept_within_the_character_cap(
    slack: FakeSlack, settings: Settings
) -> None:
    long = "x" * 1_500
    thread = [said(ANA, f"Note {n}: {long}", n) for n in range(30)]
    thread.append(said(ANA, "z" * (MAX_MESSAGE_CHARS + 500), 30))
    slack.add_thread(P.CHANNEL, ROOT, thread)

    read = read_thread(reader_client(slack, settings), P.CHANNEL, ROOT, None, BOT_USER_ID)

    assert read.partial
    assert sum(len(m.text) for m in read.messages) <= MAX_CHARS
    assert len(read.messages[-1].text) == MAX_MESSAGE_CHARS  # one huge message is cut
    assert read.messages[-2].text.startswith("Note 29:")  # the newest, oldest first
    assert read.unreadable is None


def test_paging_stops_when_the_time_budget_is_spent(slack: FakeSlack, settings: Settings) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread(), page_size=4)
    ticks = iter([0.0, 100.0, 200.0, 300.0])

    read = read_thread(
        reader_client(slack, settings), P.CHANNEL, ROOT, None, None, clock=lambda: next(ticks)
    )

    assert len(slack.calls_to("conversations.replies")) == 1
    assert read.partial
    assert [m.text for m in read.messages] == [text for _, text in PLANNING[:4]]


def test_a_rate_limited_later_page_keeps_what_was_read_and_does_not_wait_a_minute(
    running: Running, slack: FakeSlack
) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread(), page_size=6, rate_limited_from=6)
    started = time.monotonic()
    mention(running)

    text = first_post(slack).params["text"]
    assert time.monotonic() - started < WAIT_S  # Retry-After: 60 was not waited out
    assert "success rate 62% on 50 test cases (Ana)" in text  # on the first page
    assert "1,200 labeled examples (Raj Patel)" in text  # the sixth message
    assert "12 categories" not in text  # said on the refused page: still asked for
    assert "how many categories it chooses between" in text
    assert "Slack stopped me part way through this thread, so I read 6 of its messages" in text
    assert [c.params.get("cursor") for c in slack.failed] == ["page:6"]


def test_an_unreachable_slack_is_a_note_not_an_error(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    closed = settings.model_copy(update={"slack_api_url": f"http://127.0.0.1:{port}/api/"})

    read = read_thread(build_client(closed, backoff_s=0), P.CHANNEL, ROOT, None, None)

    assert read.unreadable == UNREADABLE and read.messages == []


# --- a thread shared to Advisor: the "Decide with Advisor" message shortcut ----------


def message_shortcut(slack: FakeSlack, message: dict[str, Any]) -> dict[str, Any]:
    """A message shortcut's payload, in the shape Slack's reference shows."""
    return {
        "type": "message_action",
        "token": "XXYYZZ",
        "action_ts": "1700000300.000001",
        "team": {"id": P.TEAM, "domain": "acme"},
        "user": {"id": P.USER, "name": "pat"},
        "channel": {"id": P.CHANNEL, "name": "planning"},
        "callback_id": SHORTCUT,
        "trigger_id": "111.222.abc",
        "message_ts": message["ts"],
        "message": message,
        "response_url": slack.hook_url("shortcut"),
    }


def test_the_manifest_offers_the_shortcut_and_the_scopes_to_read_threads() -> None:
    manifest = json.loads((REPO / "manifest.json").read_text())
    shortcuts = manifest["features"]["shortcuts"]
    assert [(s["type"], s["callback_id"]) for s in shortcuts] == [("message", SHORTCUT)]
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert {"channels:history", "groups:history", "mpim:history"} <= set(scopes)
    assert "users:read" in scopes  # names for who said what, instead of pinging mentions
    setup = (REPO / "docs" / "slack-setup.md").read_text()
    assert "mpim:history" in setup and "Decide with Advisor" in setup
    assert "`users:read`" in setup


def test_a_thread_shared_to_advisor_is_read_whole_and_answered_in_it(
    running: Running, slack: FakeSlack
) -> None:
    thread = planning_thread()
    slack.add_thread(P.CHANNEL, ROOT, thread, page_size=5)

    assert running.sender.interaction(message_shortcut(slack, thread[4])).status == 200

    post = first_post(slack)
    text = post.params["text"]
    assert post.params["thread_ts"] == ROOT
    assert "success rate 62% on 50 test cases (Ana)" in text
    assert "Still missing: why the failures happen" in text
    assert "When it fails" in text
    assert len(slack.calls_to("conversations.replies")) == 3

    # Follow-ups in the thread continue the same conversation, without a mention.
    running.sender.event(P.channel_message("format", ts="1700000100.000600", thread_ts=ROOT))
    second = slack.wait_for_method("chat.postMessage", count=2, timeout=WAIT_S)[1]
    assert "failure cause format" in second.params["text"]


def test_a_retried_shortcut_delivery_reads_and_answers_the_thread_once(
    running: Running, slack: FakeSlack
) -> None:
    thread = planning_thread()
    slack.add_thread(P.CHANNEL, ROOT, thread)
    shared = message_shortcut(slack, thread[4])

    running.sender.interaction(shared)
    running.sender.interaction(shared)  # Slack sends it again when the ack seemed slow

    assert "Still missing" in first_post(slack).params["text"]
    settle(running.app)
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(slack.calls_to("conversations.replies")) == 1


def test_a_thread_shared_from_a_channel_advisor_is_not_in_is_answered_privately(
    running: Running, slack: FakeSlack
) -> None:
    slack.add_thread(P.CHANNEL, ROOT, planning_thread())
    slack.reply_error("conversations.replies", "not_in_channel")

    running.sender.interaction(message_shortcut(slack, planning_thread()[0]))

    hook = slack.wait_for_method("response_url", timeout=WAIT_S)[0]
    assert "/invite @Advisor" in hook.params["text"]
    assert hook.params["response_type"] == "ephemeral"
    settle(running.app)
    assert slack.calls_to("chat.postMessage") == []
