"""Only what the app created is trusted, over real HTTP: a form's destination and
response_url are kept server-side, and people act only on their own conversations."""

from __future__ import annotations

import json
from typing import Any

import pytest
import slack_payloads as P
from fake_slack import FakeSlack
from slack_harness import Running, settle
from test_slack_idempotency import OTHER_USER, click_payload
from test_slack_interactions import DECISION

from bot.core.messages import ConversationKey

VICTIM = "C0VICTIM1"
FORM = {**P.select_value("task", "classification"), **P.text_value("labeled_examples", "800")}


def forged_metadata(slack: FakeSlack) -> str:
    """Metadata the app never made: another channel and a response_url of anyone's."""
    conv = {"w": P.TEAM, "c": VICTIM, "t": ""}
    return json.dumps({"conv": conv, "channel": VICTIM, "response_url": slack.hook_url("evil")})


def nothing_posted(slack: FakeSlack) -> bool:
    posts = slack.calls_to("chat.postMessage") + slack.calls_to("chat.postEphemeral")
    return posts == [] and slack.calls_to("response_url") == []


@pytest.mark.parametrize("forge", ["metadata", "other-user"])
def test_a_form_submission_the_app_did_not_open_posts_nothing(
    running: Running, slack: FakeSlack, forge: str
) -> None:
    running.sender.command(P.slash_command("decide", slack.hook_url()))
    view: dict[str, Any] = slack.wait_for_method("views.open")[0].params["view"]
    submission = P.view_submission(view, FORM)
    if forge == "metadata":
        submission["view"]["private_metadata"] = forged_metadata(slack)
    else:
        submission["user"] = {**submission["user"], "id": OTHER_USER}

    assert running.sender.interaction(submission).status == 200
    settle(running.app)

    assert nothing_posted(slack)


def test_start_over_from_someone_else_leaves_a_dm_dialogue_alone(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.dm_message(DECISION, ts="1950.000100"))
    question = slack.wait_for_method("chat.postMessage")[0]
    intruder = click_payload(question, "advisor_start_over")  # clicked outside that DM
    intruder["user"] = {**intruder["user"], "id": OTHER_USER}

    assert running.sender.interaction(intruder).status == 200
    settle(running.app)

    key = ConversationKey(workspace=P.TEAM, channel=P.DM, thread="", user=P.USER)
    assert running.core.slots(key).labeled_examples == 300
    assert len(slack.calls_to("chat.postMessage")) == 1
