"""The pure pieces: the decision form, payload translation, delivery ids, button values."""

from __future__ import annotations

from typing import Any

import pytest
import slack_payloads as P

from bot.engine import DecisionInput, Task
from bot.slack import refs
from bot.slack.dedupe import delivery_id, submission_id
from bot.slack.inbound import (
    action_dest,
    command_turn,
    dm_turn,
    is_user_message,
    mention_turn,
    strip_mentions,
)
from bot.slack.modal import FIELDS, ModalMeta, decision_modal, form_errors, form_values, modal_meta
from bot.slack.refs import ButtonValue, ConversationRef

CONV = ConversationRef(w="T1", c="C1", t="1.1")


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def test_the_form_has_every_decision_slot_and_all_are_optional() -> None:
    view = decision_modal(DecisionInput(), ModalMeta(conv=CONV, channel="C1"))
    blocks = inputs(view)
    assert set(blocks) == set(DecisionInput.model_fields)
    assert all(b["optional"] for b in blocks.values())
    assert blocks["task"]["element"]["type"] == "static_select"
    assert blocks["failure_cause"]["element"]["type"] == "static_select"
    assert blocks["labeled_examples"]["element"]["type"] == "plain_text_input"
    assert len(view["title"]["text"]) <= 24


def test_the_form_is_prefilled_and_carries_where_to_post() -> None:
    slots = DecisionInput(task=Task.support, success_rate=0.7, training_budget_usd=3000.0)
    meta = ModalMeta(conv=CONV, channel="C1", thread="1.1")
    view = decision_modal(slots, meta)
    blocks = inputs(view)
    assert blocks["task"]["element"]["initial_option"]["value"] == "support"
    assert blocks["success_rate"]["element"]["initial_value"] == "0.7"
    assert blocks["training_budget_usd"]["element"]["initial_value"] == "3000"
    assert "initial_value" not in blocks["labeled_examples"]["element"]
    assert modal_meta(view) == meta


def test_submitted_values_are_read_by_slot_and_empty_fields_left_out() -> None:
    values = {
        **P.select_value("task", "classification"),
        **P.text_value("success_rate", " 70% "),
        **P.text_value("labeled_examples", ""),
        "categories": {"categories": {"type": "plain_text_input", "value": None}},
    }
    assert form_values({"state": {"values": values}}) == {
        "task": "classification",
        "success_rate": "70%",
    }


@pytest.mark.parametrize(
    ("errors", "form", "shown"),
    [
        pytest.param(
            {"test_cases": "must be a number"},
            {"test_cases": "x"},
            {"test_cases": "must be a number"},
            id="by-slot",
        ),
        pytest.param(
            {"_form": "try again"},
            {"categories": "3"},
            {"categories": "_form: try again"},
            id="unknown-key-to-a-filled-field",
        ),
        pytest.param(
            {"_form": "try again"}, {}, {"task": "_form: try again"}, id="unknown-key-empty-form"
        ),
    ],
)
def test_core_errors_become_slack_form_errors(
    errors: dict[str, str], form: dict[str, str], shown: dict[str, str]
) -> None:
    assert form_errors(errors, form) == shown
    assert set(form_errors(errors, form)) <= set(FIELDS)


@pytest.mark.parametrize(
    ("text", "bot", "clean"),
    [
        pytest.param("<@UADVISOR> what is lora?", "UADVISOR", "what is lora?", id="leading"),
        pytest.param("hey <@UADVISOR|advisor>   help", "UADVISOR", "hey help", id="with-label"),
        pytest.param(
            "ask <@UOTHER> too <@UADVISOR>", "UADVISOR", "ask <@UOTHER> too", id="keeps-others"
        ),
    ],
)
def test_mentions_of_advisor_are_stripped(text: str, bot: str, clean: str) -> None:
    assert strip_mentions(text, bot) == clean


def test_a_root_mention_starts_a_thread_under_itself() -> None:
    turn = mention_turn(P.app_mention("help", ts="5.5")["event"], "T1", P.BOT_USER)
    assert turn.dest.thread_ts == "5.5"
    assert turn.inbound.key.thread == "5.5"
    assert turn.inbound.text == "help"


def test_an_empty_mention_asks_for_help() -> None:
    event = {**P.app_mention("", ts="5.6")["event"]}
    assert mention_turn(event, "T1", P.BOT_USER).inbound.text == "help"


def test_dm_root_messages_share_one_conversation_and_reply_at_the_root() -> None:
    first = dm_turn(P.dm_message("a", ts="1.0")["event"], "T1")
    second = dm_turn(P.dm_message("b", ts="2.0")["event"], "T1")
    assert first.inbound.key.id == second.inbound.key.id
    assert first.dest.thread_ts is None


def test_commands_are_private_and_per_person() -> None:
    turn = command_turn(P.slash_command("what is lora?", "http://hook"))
    assert turn.dest.ephemeral and turn.dest.response_url == "http://hook"
    assert turn.inbound.key.thread == f"cmd:{P.USER}"


@pytest.mark.parametrize(
    ("event", "handled"),
    [
        pytest.param({"user": "U1", "text": "hi"}, True, id="person"),
        pytest.param({"user": "U1", "text": "hi", "subtype": "file_share"}, True, id="with-file"),
        pytest.param({"user": "U1", "text": "hi", "subtype": "message_changed"}, False, id="edit"),
        pytest.param({"user": "U1", "text": "hi", "bot_id": "B1"}, False, id="bot"),
        pytest.param({"text": "hi", "subtype": "channel_join"}, False, id="join"),
    ],
)
def test_only_peoples_messages_are_handled(event: dict[str, Any], handled: bool) -> None:
    assert is_user_message(event) is handled


def test_a_button_on_a_thread_message_replies_in_that_thread() -> None:
    value = ButtonValue(conv=CONV)
    body = P.block_actions("advisor_start_over", refs.encode(value))
    assert action_dest(body, value).thread_ts == "1.1"
    assert not action_dest(body, value).ephemeral


def test_a_button_on_a_private_message_replies_privately() -> None:
    value = ButtonValue(conv=ConversationRef(w="T1", c="C1", t="cmd:U1"))
    body = P.block_actions("advisor_start_over", refs.encode(value), ephemeral=True)
    dest = action_dest(body, value)
    assert dest.ephemeral and dest.response_url == body["response_url"]


def test_button_values_round_trip_and_foreign_values_are_ignored() -> None:
    value = ButtonValue(conv=CONV, slot="task", value="support")
    assert refs.decode_button(refs.encode(value)) == value
    assert refs.decode_button("click_me_123") is None
    assert refs.decode_button(None) is None


@pytest.mark.parametrize(
    ("body", "ident"),
    [
        pytest.param({"type": "event_callback", "event_id": "Ev1"}, "event:Ev1", id="event"),
        pytest.param({"command": "/advisor", "trigger_id": "t1"}, "command:t1", id="command"),
        pytest.param({"type": "block_actions", "trigger_id": "t2"}, "action:t2", id="action"),
        pytest.param({"type": "view_closed", "view": {"id": "V1"}}, "view_closed:V1", id="closed"),
        pytest.param({"type": "view_submission", "trigger_id": "t3"}, None, id="submission-later"),
        pytest.param({"type": "url_verification"}, None, id="other"),
    ],
)
def test_every_delivery_has_a_stable_id(body: dict[str, Any], ident: str | None) -> None:
    assert delivery_id(body) == ident


def test_a_valid_submission_is_claimed_by_its_view() -> None:
    # A replayed submission has a new trigger_id but the same view.
    assert submission_id({"trigger_id": "t3", "view": {"id": "V1"}}) == "view:V1"
