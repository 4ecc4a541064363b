"""Correctly signed payloads of the wrong shape get a 400, never Bolt's 500 (found by fuzzing)."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
import slack_payloads as P
from fake_slack import FakeSlack
from slack_harness import Running

from bot.slack.shape import shape_problem


def _event(**changes: Any) -> dict[str, Any]:
    payload = P.app_mention("help", ts="2100.000100")
    payload.update(changes)
    return payload


def _event_field(**changes: Any) -> dict[str, Any]:
    payload = P.app_mention("help", ts="2100.000200")
    payload["event"].update(changes)
    return payload


def _button(**changes: Any) -> dict[str, Any]:
    payload = P.block_actions("advisor_skip", "x")
    payload.update(changes)
    return payload


MALFORMED = [
    pytest.param(_event(event=[{}, []]), id="event-is-a-list"),
    pytest.param(_event(event=None, type="event_callback"), id="event-is-null"),
    pytest.param(_event_field(type=["app_mention"]), id="event-type-is-a-list"),
    pytest.param(_event_field(type=63665), id="event-type-is-a-number"),
    pytest.param(_event(authorizations={"0": {}}), id="authorizations-is-an-object"),
    pytest.param(_event(api_app_id={"a": True}), id="app-id-is-an-object"),
    pytest.param(_event(token=[1.5]), id="token-is-a-list"),
    pytest.param(_button(actions=[{}, {}]), id="action-without-action-id"),
    pytest.param(_button(actions=[]), id="no-actions"),
    pytest.param(_button(user=[1, 2]), id="user-is-a-list"),
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_a_signed_payload_of_the_wrong_shape_gets_400(
    running: Running, payload: dict[str, Any]
) -> None:
    if payload.get("type") == "block_actions":
        body = urlencode({"payload": json.dumps(payload)})
        response = running.sender.send(body, "application/x-www-form-urlencoded")
    else:
        response = running.sender.send(json.dumps(payload), "application/json")
    assert response.status == 400
    assert response.json() == {"error": "malformed payload"}


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(P.app_mention("help", ts="1.1"), id="mention"),
        pytest.param(P.dm_message("hi", ts="1.2"), id="dm"),
        pytest.param(P.assistant_thread_started("1.3"), id="assistant-thread"),
        pytest.param(P.app_home_opened(), id="app-home"),
        pytest.param(P.block_actions("advisor_skip", "x"), id="button"),
        pytest.param(P.slash_command("help", "https://hooks.example/1"), id="command"),
        pytest.param({"type": "url_verification", "challenge": "c"}, id="challenge"),
    ],
)
def test_payloads_shaped_as_slack_documents_them_pass(payload: dict[str, Any]) -> None:
    assert shape_problem(payload) is None


NEST = "@@nested@@"


def _nested_json(payload: dict[str, Any], depth: int) -> str:
    """The payload's JSON with NEST replaced by lists and objects `depth` levels deep."""
    opening = "".join('{"k":' if level % 2 else "[" for level in range(depth))
    closing = "".join("}" if level % 2 else "]" for level in reversed(range(depth)))
    return json.dumps(payload).replace(json.dumps(NEST), opening + '"x"' + closing)


@pytest.mark.parametrize(
    ("payload", "depth"),
    [
        pytest.param(_event_field(blocks=NEST), 500, id="blocks-500-levels-deep"),
        pytest.param(_event_field(blocks=NEST), 1000, id="blocks-1000-levels-deep"),
        pytest.param(_event(extra=NEST), 800, id="top-level-field-800-levels-deep"),
    ],
)
def test_a_deeply_nested_payload_gets_400_and_one_log_line(
    running: Running, caplog: pytest.LogCaptureFixture, payload: dict[str, Any], depth: int
) -> None:
    with caplog.at_level(logging.INFO):
        response = running.sender.send(_nested_json(payload, depth), "application/json")
    assert response.status == 400
    assert [r.levelno for r in caplog.records if r.name.startswith("bot.")] == [logging.INFO]
    assert "Traceback" not in caplog.text


def _slot(value: Any) -> dict[str, Any]:
    return {"labeled_examples": {"labeled_examples": value}}


WRONG_FORM_STATE = [
    pytest.param(_slot({"type": "plain_text_input", "value": {"a": 1}}), id="value-is-an-object"),
    pytest.param(_slot({"type": "plain_text_input", "value": [1]}), id="value-is-a-list"),
    pytest.param(_slot({"type": "static_select", "selected_option": "x"}), id="option-is-text"),
    pytest.param(
        _slot({"type": "static_select", "selected_option": {"value": {"v": 1}}}),
        id="option-value-is-an-object",
    ),
    pytest.param(_slot("plain"), id="action-is-text"),
    pytest.param({"labeled_examples": ["x"]}, id="block-is-a-list"),
    pytest.param(_slot({"type": 7, "value": "3"}), id="action-type-is-a-number"),
]


@pytest.mark.parametrize("values", WRONG_FORM_STATE)
def test_a_decision_form_with_wrong_types_in_its_values_gets_400(
    running: Running, slack: FakeSlack, values: Any
) -> None:
    running.sender.command(P.slash_command("decide", slack.hook_url()))
    view = slack.wait_for_method("views.open")[0].params["view"]
    response = running.sender.interaction(P.view_submission(view, values))
    assert response.status == 400
    assert response.json() == {"error": "malformed payload"}


def test_a_decision_form_with_a_whole_values_object_of_the_wrong_type_gets_400(
    running: Running, slack: FakeSlack
) -> None:
    running.sender.command(P.slash_command("decide", slack.hook_url()))
    view = slack.wait_for_method("views.open")[0].params["view"]
    submission = P.view_submission(view, {})
    submission["view"]["state"] = {"values": ["labeled_examples"]}
    assert running.sender.interaction(submission).status == 400
