"""Every interaction counts once per message and action, over real HTTP: double clicks,
a second click on an answered question, replayed form submissions; and only the person
a private reply was for may share it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import slack_payloads as P
from fake_slack import Call, FakeSlack
from slack_harness import Running, settle
from test_slack_interactions import DECISION, as_slack_shows, element, hooks

OTHER_USER = "U0OTHER99"


def click_payload(call: Call, action_id: str, contains: str = "", **kw: Any) -> dict[str, Any]:
    """A click on a posted message's button, as Slack sends it (a new trigger_id each time)."""
    button = element(call, action_id, contains)
    message = as_slack_shows(call)
    block_id = next(
        b["block_id"]
        for b in message["blocks"]
        if any(e.get("action_id") == button["action_id"] for e in b.get("elements", []))
    )
    return P.block_actions(
        button["action_id"],
        button["value"],
        message=message,
        block_id=block_id,
        label=button["text"]["text"],
        **kw,
    )


def click_twice_at_once(running: Running, first: dict[str, Any], second: dict[str, Any]) -> None:
    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(lambda p: running.sender.interaction(p).status, [first, second]))
    assert statuses == [200, 200]
    settle(running.app)


def test_a_double_clicked_share_posts_once(running: Running, slack: FakeSlack) -> None:
    running.sender.command(P.slash_command("what is lora?", slack.hook_url()))
    private = hooks(slack)[0]
    share = [
        click_payload(private, "advisor_share", ephemeral=True, response_url=slack.hook_url("s"))
        for _ in range(2)
    ]

    click_twice_at_once(running, *share)

    assert len(slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize(
    "second",
    [
        pytest.param("advisor_choice:0", id="the-same-choice"),
        pytest.param("advisor_choice:1", id="another-choice"),
    ],
)
def test_a_second_click_on_an_answered_question_posts_nothing(
    running: Running, slack: FakeSlack, second: str
) -> None:
    running.sender.event(P.app_mention(DECISION, ts="1900.000100"))
    question = slack.wait_for_method("chat.postMessage")[0]
    clicks = [click_payload(question, "advisor_choice:0"), click_payload(question, second)]

    for payload in clicks:
        assert running.sender.interaction(payload).status == 200
    settle(running.app)

    assert len(slack.calls_to("chat.postMessage")) == 2  # the question, then one next step


def test_a_double_thumbs_up_stores_one_rating_and_thanks_once(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention("what is lora?", ts="1900.000200"))
    answer = slack.wait_for_method("chat.postMessage")[0]

    click_twice_at_once(running, *[click_payload(answer, "advisor_feedback_up") for _ in "ab"])

    assert len(running.store.list_feedback()) == 1
    assert len(slack.calls_to("chat.postEphemeral")) == 1


def test_a_replayed_feedback_submission_stores_one_row(running: Running, slack: FakeSlack) -> None:
    running.sender.event(P.app_mention("what is lora?", ts="1900.000300"))
    answer = slack.wait_for_method("chat.postMessage")[0]
    running.sender.interaction(click_payload(answer, "advisor_feedback_down"))
    modal = slack.wait_for_method("views.open")[0].params["view"]
    reason = {"reason": {"reason": {"type": "plain_text_input", "value": "missed our case"}}}

    for _ in range(3):  # each replay has a new trigger_id, the same view
        assert running.sender.interaction(P.view_submission(modal, reason)).status == 200
    settle(running.app)

    assert len(running.store.list_feedback()) == 1


def test_someone_else_cannot_share_a_private_reply(running: Running, slack: FakeSlack) -> None:
    running.sender.command(P.slash_command("what is lora?", slack.hook_url()))
    private = hooks(slack)[0]
    intruder = click_payload(
        private, "advisor_share", ephemeral=True, response_url=slack.hook_url()
    )
    intruder["user"] = {**intruder["user"], "id": OTHER_USER}

    assert running.sender.interaction(intruder).status == 200
    settle(running.app)

    assert slack.calls_to("chat.postMessage") == []
    assert running.store.load_state(f"share:{_share_id(private)}") is not None  # still theirs


def _share_id(call: Call) -> str:
    import json

    return str(json.loads(element(call, "advisor_share")["value"])["share"])


def test_a_replayed_decision_form_posts_one_recommendation(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.command(P.slash_command("decide", slack.hook_url()))
    view = slack.wait_for_method("views.open")[0].params["view"]
    form = {**P.select_value("task", "classification"), **P.text_value("labeled_examples", "800")}

    for _ in range(2):  # the same view submitted again, with a new trigger_id
        assert running.sender.interaction(P.view_submission(view, form)).status == 200
    settle(running.app)

    assert len(slack.calls_to("response_url")) == 1
