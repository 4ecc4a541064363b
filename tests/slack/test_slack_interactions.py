"""End to end over real HTTP: /advisor, buttons, the decision modal, feedback, sharing."""

from __future__ import annotations

import json
from typing import Any

import slack_payloads as P
from fake_slack import Call, FakeSlack
from slack_harness import Running, settle

from bot.core.messages import ConversationKey

DECISION = (
    "should we fine-tune our ticket classifier? prompts get 7/10 right after 4 rounds, "
    "we have ~300 labeled tickets across 10 categories"
)


def element(call: Call, action_id: str, value_contains: str = "") -> dict[str, Any]:
    """The button with this action id (prefix) on a posted message."""
    for block in call.blocks():
        for item in block.get("elements", []) if block.get("type") == "actions" else []:
            if item["action_id"].startswith(action_id) and value_contains in item.get("value", ""):
                return dict(item)
    raise AssertionError(f"no {action_id} button in {call.action_ids()}")


def as_slack_shows(call: Call) -> dict[str, Any]:
    """A posted message as Slack sends it back in a click: every block has a block_id."""
    blocks = [{"block_id": f"auto{n}", **block} for n, block in enumerate(call.blocks())]
    return {
        "ts": "1700.999999",
        "type": "message",
        "text": call.params.get("text"),
        "blocks": blocks,
    }


def click(running: Running, call: Call, action_id: str, contains: str = "", **kw: Any) -> None:
    button = element(call, action_id, contains)
    message = as_slack_shows(call)
    block_id = next(
        b["block_id"]
        for b in message["blocks"]
        if any(e.get("action_id") == button["action_id"] for e in b.get("elements", []))
    )
    payload = P.block_actions(
        button["action_id"],
        button["value"],
        message=message,
        block_id=block_id,
        label=button["text"]["text"],
        **kw,
    )
    assert running.sender.interaction(payload).status == 200


def hooks(slack: FakeSlack, count: int = 1) -> list[Call]:
    return slack.wait_for_method("response_url", count=count)


def test_help_is_the_acknowledgement_itself(running: Running, slack: FakeSlack) -> None:
    response = running.sender.command(P.slash_command("help", slack.hook_url()))
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "/advisor decide" in json.dumps(body["blocks"])
    settle(running.app)
    assert slack.posted() == []


def test_a_question_command_is_answered_privately_with_a_share_button(
    running: Running, slack: FakeSlack
) -> None:
    response = running.sender.command(
        P.slash_command("what does fine-tuning cost?", slack.hook_url())
    )
    assert response.status == 200 and response.body == ""

    reply = hooks(slack)[0]
    assert reply.params["response_type"] == "ephemeral"
    assert "advisor_share" in reply.action_ids()
    assert "[1]" in reply.block_text()  # numbered citations


def test_share_posts_the_reply_to_the_channel_and_removes_the_private_copy(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.command(P.slash_command("what is lora?", slack.hook_url()))
    private = hooks(slack)[0]

    click(running, private, "advisor_share", ephemeral=True, response_url=slack.hook_url("share"))

    shared = slack.wait_for_method("chat.postMessage")[0]
    assert shared.params["channel"] == P.CHANNEL
    assert f"Shared by <@{P.USER}>" in shared.block_text()
    assert "advisor_share" not in shared.action_ids()
    deleted = hooks(slack, count=2)[1]
    assert deleted.params == {"delete_original": True}


def test_decide_opens_the_form_prefilled_from_the_conversation(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.command(P.slash_command(DECISION, slack.hook_url()))
    hooks(slack)
    running.sender.command(P.slash_command("decide", slack.hook_url(), trigger_id="42.42.abc"))

    opened = slack.wait_for_method("views.open")[0]
    assert opened.params["trigger_id"] == "42.42.abc"
    inputs = {
        b["block_id"]: b["element"] for b in opened.params["view"]["blocks"] if b["type"] == "input"
    }
    assert inputs["success_rate"]["initial_value"] == "0.7"
    assert inputs["labeled_examples"]["initial_value"] == "300"
    assert inputs["task"]["initial_option"]["value"] == "classification"


def test_invalid_form_values_are_shown_in_the_form_and_nothing_is_posted(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.command(P.slash_command("decide", slack.hook_url()))
    view = slack.wait_for_method("views.open")[0].params["view"]
    values = {**P.text_value("labeled_examples", "lots"), **P.text_value("test_cases", "12")}

    response = running.sender.interaction(P.view_submission(view, values))

    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"labeled_examples"}
    settle(running.app)
    assert slack.calls_to("response_url") == []


def test_a_valid_form_posts_the_recommendation_where_it_was_opened(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.command(P.slash_command("decide", slack.hook_url()))
    view = slack.wait_for_method("views.open")[0].params["view"]
    values = {
        **P.select_value("task", "classification"),
        **P.text_value("success_rate", "70%"),
        **P.text_value("test_cases", "30"),
        **P.text_value("prompt_iterations", "5"),
        **P.select_value("failure_cause", "terminology"),
        **P.text_value("systematic_failure_share", "0.2"),
        **P.text_value("labeled_examples", "800"),
        **P.text_value("monthly_requests", "200k"),
    }

    response = running.sender.interaction(P.view_submission(view, values))

    assert response.status == 200 and response.body == ""
    card = hooks(slack)[0]
    assert card.params["response_type"] == "ephemeral"
    assert "Recommendation" in card.block_text()
    assert "Cost over 12 months" not in card.block_text()  # compact: costs are in Details
    assert {"advisor_feedback_up", "advisor_share", "advisor_card_details"} <= set(
        card.action_ids()
    )
    assert "advisor_save_record" not in card.action_ids()  # a private reply is no record
    assert running.store.recent_decisions(P.USER)

    click(running, card, "advisor_card_details", ephemeral=True, response_url=slack.hook_url("d"))

    details = hooks(slack, count=2)[1]
    assert details.params["response_type"] == "ephemeral"
    assert "Cost over 12 months" in details.block_text()

    click(running, card, "advisor_share", ephemeral=True, response_url=slack.hook_url("s"))
    shared = slack.wait_for_method("chat.postMessage")[0]
    payload = P.block_actions(
        "advisor_card_details",
        element(shared, "advisor_card_details")["value"],
        message={"ts": "1700.424242", "type": "message"},
    )
    payload["user"]["id"] = "USOMEONEELSE"  # anyone in the channel may open a shared card
    running.sender.interaction(payload)
    in_thread = slack.wait_for_method("chat.postMessage", count=2)[1]
    assert in_thread.params["thread_ts"] == "1700.424242"  # under the card, not in the channel
    assert "Cost over 12 months" in in_thread.block_text()


def test_a_choice_button_answers_the_question_in_its_thread(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention(DECISION, ts="1800.000100"))
    question = slack.wait_for_method("chat.postMessage")[0]

    click(running, question, "advisor_choice:", contains='"value":"format"')

    answer = slack.wait_for_method("chat.postMessage", count=2)[1]
    assert answer.params["thread_ts"] == "1800.000100"
    assert "failure cause format" in answer.params["text"]


def test_a_clicked_question_shows_the_choice_instead_of_its_buttons(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention(DECISION, ts="1800.000150"))
    question = slack.wait_for_method("chat.postMessage")[0]

    click(running, question, "advisor_choice:", contains='"value":"format"')

    [update] = slack.wait_for_method("chat.update")
    assert update.params["ts"] == "1700.999999" and update.params["channel"] == P.CHANNEL
    blocks = update.blocks()
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert not any(i.startswith("advisor_choice:") or i == "advisor_open_form" for i in ids)
    assert "advisor_start_over" in ids  # the footer stays
    chosen = [b for b in blocks if b["type"] == "context" and "chose" in json.dumps(b)]
    assert len(chosen) == 1 and f"<@{P.USER}> chose *Wrong output format*" in json.dumps(chosen)
    assert blocks[0] == question.blocks()[0] | {"block_id": "auto0"}  # the question stays


def test_a_private_question_is_closed_through_its_response_url(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.command(P.slash_command(DECISION, slack.hook_url()))
    question = hooks(slack)[0]

    button = element(question, "advisor_choice:", '"value":"format"')
    click_url = slack.hook_url("click")
    payload = P.block_actions(
        button["action_id"], button["value"], ephemeral=True, response_url=click_url,
        label=button["text"]["text"],
    )  # fmt: skip
    assert running.sender.interaction(payload).status == 200

    closed = next(c for c in hooks(slack, count=3) if c.params.get("replace_original") is True)
    ids = [e["action_id"] for b in closed.blocks() if b["type"] == "actions" for e in b["elements"]]
    assert not any(i.startswith("advisor_choice:") for i in ids)
    assert "advisor_share" in ids  # the footer stays
    assert f"<@{P.USER}> chose *Wrong output format*" in closed.block_text()


def test_start_over_clears_what_was_known(running: Running, slack: FakeSlack) -> None:
    running.sender.event(P.app_mention(DECISION, ts="1800.000200"))
    question = slack.wait_for_method("chat.postMessage")[0]

    click(running, question, "advisor_start_over")

    slack.wait_for_method("chat.postMessage", count=2)
    key = ConversationKey(workspace=P.TEAM, channel=P.CHANNEL, thread="1800.000200", user=P.USER)
    assert running.core.slots(key).labeled_examples is None


def test_open_the_form_from_a_thread_posts_the_result_back_in_that_thread(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention(DECISION, ts="1800.000300"))
    question = slack.wait_for_method("chat.postMessage")[0]
    click(running, question, "advisor_open_form")
    view = slack.wait_for_method("views.open")[0].params["view"]

    running.sender.interaction(P.view_submission(view, P.select_value("failure_cause", "random")))

    card = slack.wait_for_method("chat.postMessage", count=2)[1]
    assert card.params["thread_ts"] == "1800.000300"
    assert "Recommendation" in card.block_text()


def test_thumbs_up_is_stored_and_thanked_privately(running: Running, slack: FakeSlack) -> None:
    running.sender.event(P.app_mention("what is lora?", ts="1800.000400"))
    answer = slack.wait_for_method("chat.postMessage")[0]

    click(running, answer, "advisor_feedback_up")

    thanks = slack.wait_for_method("chat.postEphemeral")[0]
    assert thanks.params["user"] == P.USER and thanks.params["thread_ts"] == "1800.000400"
    [record] = running.store.list_feedback()
    assert record.rating == 1 and record.user == P.USER
    assert record.conversation == f"{P.TEAM}:{P.CHANNEL}:1800.000400"


def test_thumbs_down_asks_what_went_wrong_and_stores_the_reason(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention("what is lora?", ts="1800.000500"))
    answer = slack.wait_for_method("chat.postMessage")[0]

    click(running, answer, "advisor_feedback_down")
    modal = slack.wait_for_method("views.open")[0].params["view"]
    reason = {"reason": {"reason": {"type": "plain_text_input", "value": "missed our case"}}}
    assert running.sender.interaction(P.view_submission(modal, reason)).status == 200

    settle(running.app)
    [record] = running.store.list_feedback()
    assert (record.rating, record.reason) == (-1, "missed our case")


def test_closing_the_what_went_wrong_form_still_records_the_thumbs_down(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_mention("what is lora?", ts="1800.000600"))
    answer = slack.wait_for_method("chat.postMessage")[0]
    click(running, answer, "advisor_feedback_down")
    modal = slack.wait_for_method("views.open")[0].params["view"]

    closed = {**P.view_submission(modal, {}), "type": "view_closed", "is_cleared": False}
    assert running.sender.interaction(closed).status == 200

    settle(running.app)
    [record] = running.store.list_feedback()
    assert (record.rating, record.reason) == (-1, None)


def test_a_decision_started_from_app_home_is_posted_to_the_users_dm(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.event(P.app_home_opened())
    home = slack.wait_for_method("views.publish")[0].params["view"]
    button = next(e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"])
    running.sender.interaction(P.block_actions(button["action_id"], button["value"]))
    view = slack.wait_for_method("views.open")[0].params["view"]

    running.sender.interaction(P.view_submission(view, P.select_value("task", "support")))

    card = slack.wait_for_method("chat.postMessage")[0]
    assert card.params["channel"] == P.USER
    assert "Recommendation" in card.block_text()


def test_sharing_where_advisor_is_not_a_member_says_how_to_invite_it(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.command(P.slash_command("what is lora?", slack.hook_url()))
    private = hooks(slack)[0]
    slack.reply_error("chat.postMessage", "not_in_channel")

    click(running, private, "advisor_share", ephemeral=True, response_url=slack.hook_url("share"))

    told = hooks(slack, count=2)[1]
    assert "/invite @Advisor" in told.params["text"]
