"""Correctly signed payloads of the wrong shape get a 400, never Bolt's 500 (found by fuzzing)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
import slack_payloads as P
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
