"""Decision records end to end over the fake Slack, on SQLite and on PostgreSQL.

A planning thread reaches a recommendation; "Save as decision record" posts the record
in the thread once; `/advisor history` lists it with a link; new numbers said in the
thread fire its revisit trigger and offer an update, which applies once.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import slack_payloads as P
from fake_slack import Call, FakeSlack
from slack_harness import AppServer, Running, SlackSender, settle

from bot.bootstrap import build_core, build_store
from bot.core.messages import ConversationKey
from bot.core.ports import Answerer
from bot.settings import Settings
from bot.slack.http import wsgi_app
from bot.store.sql import SqlStore

sys.path.insert(0, str(Path(__file__).parents[1] / "store"))
from store_support import POSTGRES_URL, postgres_or_skip

RAJ = "URAJ0001"
STRANGER = "USTRANGER"
THREAD = "1800.000100"
DECISION = (
    "should we fine-tune our ticket classifier? the prompt gets 62% on our 50 test cases "
    "after 5 prompt versions, about 50k requests a month"
)


class ChannelSlack(FakeSlack):
    """The fake Slack, plus channel members (one per page, to follow the cursor) and links."""

    members = (P.USER, "UOTHER", RAJ, "UANA0001", "ULEE0003")

    def _answer(self, call: Call) -> dict[str, Any]:
        if call.method == "conversations.members":
            at = int(call.params.get("cursor") or 0)
            page = list(self.members[at : at + 1])
            more = str(at + 1) if at + 1 < len(self.members) else ""
            return {"ok": True, "members": page, "response_metadata": {"next_cursor": more}}
        if call.method == "chat.getPermalink":
            ts = str(call.params.get("message_ts")).replace(".", "")
            link = f"https://acme.slack.com/archives/{call.params.get('channel')}/p{ts}"
            return {"ok": True, "permalink": link}
        return super()._answer(call)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with ChannelSlack() as fake:
        yield fake


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def running(
    request: pytest.FixtureRequest, settings: Settings, answerer: Answerer
) -> Iterator[Running]:
    if request.param == "sqlite":
        store: Any = build_store(settings)
    else:
        postgres_or_skip()
        store = SqlStore(POSTGRES_URL, table_prefix=f"r{uuid.uuid4().hex[:10]}_")
    core = build_core(settings, store=store, answerer=answerer)
    wsgi = wsgi_app(settings, core, store)
    with AppServer(wsgi) as server:
        yield Running(SlackSender(server.url), core, store, wsgi.app)
        settle(wsgi.app)
    if request.param == "postgres":
        store.drop_tables()
    store.close()


def posts(slack: FakeSlack, count: int) -> list[Call]:
    return slack.wait_for_method("chat.postMessage", count=count)


def say(running: Running, slack: FakeSlack, text: str, n: int, user: str = P.USER) -> Call:
    """A message in the thread; waits for Advisor's n-th post and returns it."""
    ts = f"1800.0002{n:02d}"
    running.sender.event(P.channel_message(text, ts=ts, thread_ts=THREAD, user=user))
    return posts(slack, n)[n - 1]


def press(running: Running, call: Call, action_id: str, ts: str, user: str = P.USER) -> None:
    """Click a button on a posted message, as Slack sends it (with the message's ts)."""
    assert running.sender.interaction(click_payload(call, action_id, ts, user)).status == 200


def click_payload(call: Call, action_id: str, ts: str, user: str = P.USER) -> dict[str, Any]:
    button = next(
        e
        for b in call.blocks()
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )
    blocks = [{"block_id": f"b{n}", **b} for n, b in enumerate(call.blocks())]
    message = {"ts": ts, "type": "message", "text": call.params.get("text"), "blocks": blocks}
    payload = P.block_actions(action_id, button["value"], message=message, label="x")
    payload["user"]["id"] = user
    payload["container"]["thread_ts"] = THREAD
    return payload


def recommended(running: Running, slack: FakeSlack) -> Call:
    """@Advisor in a thread, the failure cause from Raj, then the recommendation card."""
    running.sender.event(P.app_mention(DECISION, ts=THREAD))
    slack.wait_for_method("chat.postMessage", timeout=30)  # the first turn loads the reader
    say(running, slack, "format", 2, user=RAJ)
    say(running, slack, "300 labeled examples across 10 categories", 3)
    card = say(running, slack, "just decide", 4)
    assert "Recommendation" in card.block_text()
    return card


def sources(call: Call) -> dict[str, str]:
    """A posted record's inputs and where each came from: {'success rate 62%': '<@U1>'}."""
    text = "\n".join(b["text"]["text"] for b in call.blocks() if b.get("type") == "section")
    out = {}
    for where, inputs in re.findall(r"^• _(.+?):_ (.+)$", text, flags=re.MULTILINE):
        for item in inputs.split(", "):
            out[item] = where.removeprefix("stated in the thread by ")
    return out


def ephemerals(slack: FakeSlack, count: int) -> list[Call]:
    return slack.wait_for_method("chat.postEphemeral", count=count)


def test_saving_posts_one_record_with_inputs_sources_and_triggers(
    running: Running, slack: FakeSlack
) -> None:
    card = recommended(running, slack)
    assert {"advisor_card_details", "advisor_save_record"} <= set(card.action_ids())

    press(running, card, "advisor_save_record", ts="1800.000303", user=RAJ)

    record = posts(slack, 5)[4]
    text = record.block_text()
    assert record.params["thread_ts"] == THREAD
    assert "Decision record" in text
    assert f"asked by <@{P.USER}>" in text
    said = sources(record)
    assert said["success rate 62%"] == said["test cases 50"] == f"<@{P.USER}>"
    assert said["failure cause format"] == f"<@{RAJ}>"
    assert said["target success rate 80%"] == "defaults"
    assert "Collect training data first" in text
    assert "data.per_category_minimum" in text  # the rules behind it, by id
    assert "*Cost:* 12 months at 50,000 requests/month" in text
    assert "Revisit if the success rate reaches 80%" in text
    assert "labeled examples reach 1,000" in text
    assert f"Saved by <@{RAJ}>" in text
    marked = slack.wait_for_method("chat.update")[0]  # the card says it was saved
    assert marked.params["ts"] == "1800.000303"
    assert "advisor_save_record" not in marked.action_ids()
    assert "advisor_card_details" in marked.action_ids()
    assert f"Saved as this thread's decision record by <@{RAJ}>" in marked.block_text()

    settle_records(running, 1)
    [saved] = running.store.channel_records(P.CHANNEL)
    assert (saved.saved_by, saved.asked_by, saved.source_ts) == (RAJ, P.USER, "1800.000303")
    assert saved.permalink == f"https://acme.slack.com/archives/{P.CHANNEL}/p1700000000000005"


def test_a_second_click_or_a_redelivery_does_not_post_twice(
    running: Running, slack: FakeSlack
) -> None:
    card = recommended(running, slack)
    payload = click_payload(card, "advisor_save_record", ts="1800.000303")
    both = [threading.Thread(target=running.sender.interaction, args=(payload,)) for _ in "ab"]
    for delivery in both:  # the same click delivered twice at once
        delivery.start()
    for delivery in both:
        delivery.join(10)
    posts(slack, 5)

    press(running, card, "advisor_save_record", ts="1800.000303", user=RAJ)

    told = ephemerals(slack, 1)[0]
    assert told.params["user"] == RAJ
    assert f"already saved as a decision record (by <@{P.USER}>)" in told.block_text()
    settle(running.app)
    assert len(slack.calls_to("chat.postMessage")) == 5
    assert len(running.store.channel_records(P.CHANNEL)) == 1


def test_only_people_in_the_channel_can_save(running: Running, slack: FakeSlack) -> None:
    card = recommended(running, slack)

    press(running, card, "advisor_save_record", ts="1800.000303", user=STRANGER)

    told = ephemerals(slack, 1)[0]
    assert "Only people in this channel" in told.block_text()
    assert len(slack.calls_to("conversations.members")) == 5  # every page was read
    settle(running.app)
    assert running.store.channel_records(P.CHANNEL) == []


def test_a_missing_scope_is_said_and_nothing_is_saved(running: Running, slack: FakeSlack) -> None:
    card = recommended(running, slack)
    slack.reply_error("conversations.members", "missing_scope")

    press(running, card, "advisor_save_record", ts="1800.000303")

    told = ephemerals(slack, 1)[0]
    assert "couldn't check that you're in this channel (missing_scope)" in told.block_text()
    settle(running.app)
    assert running.store.channel_records(P.CHANNEL) == []


def test_history_lists_the_channels_records_newest_first_with_links(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.command(P.slash_command("history", slack.hook_url("empty")))
    empty = slack.wait_for_method("response_url")[0]
    assert "No decision records in" in empty.block_text()

    saved_record(running, slack)

    running.sender.command(P.slash_command("history", slack.hook_url("list")))

    listed = slack.wait_for_method("response_url", count=2)[1]
    assert listed.params["response_type"] == "ephemeral"
    text = listed.block_text()
    assert f"Decision records in <#{P.CHANNEL}>" in text
    assert f"<https://acme.slack.com/archives/{P.CHANNEL}/p1700000000000005|open thread>" in text
    assert "Collect training data first" in text and f"asked by <@{P.USER}>" in text


def saved_record(running: Running, slack: FakeSlack) -> None:
    """A recommendation in the thread, saved as its decision record (five posts so far)."""
    card = recommended(running, slack)
    press(running, card, "advisor_save_record", ts="1800.000303")
    posts(slack, 5)
    settle_records(running, 1)


def settle_records(running: Running, count: int) -> None:
    """Wait until the record's message (and link) are stored."""
    for _ in range(100):
        records = running.store.channel_records(P.CHANNEL)
        if len(records) == count and all(r.permalink for r in records):
            return
        time.sleep(0.05)
    raise AssertionError("the record's link was never stored")


def test_new_numbers_fire_the_trigger_and_the_update_applies_once(
    running: Running, slack: FakeSlack
) -> None:
    saved_record(running, slack)

    say(running, slack, "we're at 81% now", 6, user=RAJ)

    calls = posts(slack, 7)
    rerun, offer = calls[5], calls[6]
    assert "Prompting is enough" in rerun.block_text()
    assert "Revisit trigger fired: the success rate reaches 80%" in offer.block_text()
    assert "success rate 62% → 81%" in offer.block_text()
    assert "advisor_update_record" in offer.action_ids()

    press(running, offer, "advisor_update_record", ts="1800.000606", user=RAJ)
    updated = posts(slack, 8)[7]
    assert "Decision record* (revision 2)" in updated.block_text()
    assert sources(updated)["success rate 81%"] == f"<@{RAJ}>"
    assert f"updated by <@{RAJ}>" in updated.block_text()

    press(running, offer, "advisor_update_record", ts="1800.000606")
    told = ephemerals(slack, 1)[0]
    assert "already updated" in told.block_text()
    settle(running.app)
    assert len(slack.calls_to("chat.postMessage")) == 8
    record = running.store.thread_record(P.CHANNEL, THREAD)
    assert record is not None
    assert (record.approach.value, record.revision) == ("done", 2)


def test_a_thread_whose_dialogue_expired_reruns_from_its_record(
    running: Running, slack: FakeSlack
) -> None:
    saved_record(running, slack)
    key = ConversationKey(workspace=P.TEAM, channel=P.CHANNEL, thread=THREAD)
    running.store.delete_state(key.id)  # as if the dialogue had expired

    running.store.delete_state(f"record-sources:{key.id}")  # ... with who said what
    say(running, slack, "we're at 81% now", 6, user=RAJ)

    offer = posts(slack, 7)[6]
    assert "Revisit trigger fired: the success rate reaches 80%" in offer.block_text()
    press(running, offer, "advisor_update_record", ts="1800.000707", user=RAJ)
    updated = posts(slack, 8)[7]
    assert sources(updated)["success rate 81%"] == f"<@{RAJ}>"
    assert sources(updated)["test cases 50"] == f"<@{P.USER}>"  # as the record kept it
    assert f"asked by <@{P.USER}>" in updated.block_text()


def test_the_update_is_offered_once_while_the_numbers_keep_moving(
    running: Running, slack: FakeSlack
) -> None:
    saved_record(running, slack)
    say(running, slack, "we're at 81% now", 6)
    offer = posts(slack, 7)[6]
    assert "advisor_update_record" in offer.action_ids()

    say(running, slack, "actually 85% now", 8)  # the same new approach: no second offer

    settle(running.app)
    calls = slack.calls_to("chat.postMessage")
    assert len(calls) == 8
    assert "advisor_update_record" not in calls[7].action_ids()


def test_same_numbers_again_offer_no_update(running: Running, slack: FakeSlack) -> None:
    saved_record(running, slack)

    say(running, slack, "we're at 70% now", 6)  # below the trigger: the approach stays

    settle(running.app)
    assert len(slack.calls_to("chat.postMessage")) == 6
    assert "advisor_update_record" not in json.dumps([c.params for c in slack.posted()])


def test_details_posts_the_rest_of_the_card_once(running: Running, slack: FakeSlack) -> None:
    card = recommended(running, slack)
    assert "Cost over 12 months" not in card.block_text()

    press(running, card, "advisor_card_details", ts="1800.000303")
    details = posts(slack, 5)[4]
    press(running, card, "advisor_card_details", ts="1800.000303", user=RAJ)

    assert details.params["thread_ts"] == THREAD
    assert "Cost over 12 months" in details.block_text()
    assert "*What would change it*" in details.block_text()
    assert "decision-flowchart.md" in details.block_text()
    assert "already in the thread" in ephemerals(slack, 1)[0].block_text()
    settle(running.app)
    assert len(slack.calls_to("chat.postMessage")) == 5


def test_app_home_lists_the_persons_records(running: Running, slack: FakeSlack) -> None:
    card = recommended(running, slack)
    press(running, card, "advisor_save_record", ts="1800.000303", user=RAJ)
    posts(slack, 5)
    settle_records(running, 1)

    running.sender.event(P.app_home_opened(user=RAJ))

    view = slack.wait_for_method("views.publish")[0].params["view"]
    text = json.dumps(view, ensure_ascii=False)
    assert "Your decision records" in text
    assert "open thread" in text and "Collect training data first" in text


def test_inputs_read_from_the_thread_are_credited_to_who_said_them(
    running: Running, slack: FakeSlack
) -> None:
    """@Advisor at the end of a discussion: the record names who said each number.

    By name, where Slack has one (a mention would notify them); the record keeps the ids.
    """
    ana, lee, root = "UANA0001", "ULEE0003", "1700000100.000100"
    slack.add_user(ana, display_name="Ana")
    slack.add_user(RAJ, real_name="Raj Patel")  # Lee is unknown to users.info: a mention
    earlier = [
        (ana, "we tried 5 prompt versions, the best gets 62% on our 50 test cases"),
        (RAJ, "Legal has 1,200 labeled examples across 12 clause categories."),
        (ana, "about 50k requests a month"),
    ]
    slack.add_said(P.CHANNEL, root, earlier)
    mention = P.app_mention("should we fine-tune?", ts="1700000100.000200", thread_ts=root)
    mention["event"]["user"] = lee
    running.sender.event(mention)
    slack.wait_for_method("chat.postMessage", timeout=30)
    for n, text in enumerate(["it's a classifier", "format", "just decide"], 2):
        event = P.channel_message(text, ts=f"1700000100.0003{n:02d}", thread_ts=root, user=lee)
        running.sender.event(event)
        posts(slack, n)
    card = slack.calls_to("chat.postMessage")[-1]
    assert "advisor_save_record" in card.action_ids(), card.block_text()

    button = next(
        e
        for b in card.blocks()
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "advisor_save_record"
    )
    payload = P.block_actions(
        "advisor_save_record",
        button["value"],
        message={"ts": "1700000100.000999", "type": "message"},
    )
    assert running.sender.interaction(payload).status == 200

    record = slack.wait_for(
        lambda calls: any("Decision record" in c.block_text() for c in calls), what="record"
    )
    posted = next(c for c in record if "Decision record" in c.block_text())
    assert f"asked by <@{lee}>" in posted.block_text()  # who asked acted: still a mention
    said = sources(posted)
    assert said["success rate 62%"] == said["prompt iterations 5"] == "Ana"
    assert said["labeled examples 1,200"] == said["categories 12"] == "Raj Patel"
    assert said["failure cause format"] == f"<@{lee}>"
    assert f"<@{ana}>" not in posted.block_text() and f"<@{RAJ}>" not in posted.block_text()
    summary = slack.calls_to("chat.postMessage")[0]
    assert "(Ana)" in summary.params["text"] and f"<@{ana}>" not in summary.block_text()
    stored = running.store.thread_record(P.CHANNEL, root)
    assert stored is not None
    by = {s.slot: s.by for s in stored.sources if s.by}
    assert by["success_rate"] == by["prompt_iterations"] == ana  # ids: names may change
    assert by["labeled_examples"] == by["categories"] == RAJ
    assert by["failure_cause"] == lee
