"""A look at a payload's shape before Bolt sees it: wrong types get a 400, not a 500.

Slack sends objects where objects belong and strings where strings belong. A
payload that does not (broken or forged, yet correctly signed) makes Bolt's
middleware fail with a 500; it is refused here with a 400 and a log line instead.
Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

_NONE = type(None)
_TEXT = (str, _NONE)
_OBJECT = (dict,)  # Bolt reads these with .get(name, {}): null would break it
_OBJECT_OR_ID = (dict, str, _NONE)  # e.g. "team": "T1" in events, {"id": "T1"} in interactions
_OPTIONAL_OBJECT = (dict, _NONE)

_TOP: dict[str, tuple[type, ...]] = {
    "type": _TEXT,
    "token": _TEXT,
    "team_id": _TEXT,
    "enterprise_id": _TEXT,
    "api_app_id": _TEXT,
    "event_id": _TEXT,
    "command": _TEXT,
    "text": _TEXT,
    "user_id": _TEXT,
    "channel_id": _TEXT,
    "trigger_id": _TEXT,
    "response_url": _TEXT,
    "callback_id": _TEXT,
    "challenge": _TEXT,
    "action_id": _TEXT,
    "block_id": _TEXT,
    "event": _OBJECT,
    "view": _OBJECT,
    "container": _OBJECT,
    "message": _OBJECT,
    "state": _OPTIONAL_OBJECT,
    "team": _OBJECT_OR_ID,
    "user": _OBJECT_OR_ID,
    "channel": _OBJECT_OR_ID,
    "enterprise": _OBJECT_OR_ID,
    "authorizations": (list, _NONE),
    "actions": (list,),
}
_EVENT: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "subtype": _TEXT,
    "text": _TEXT,
    "ts": _TEXT,
    "thread_ts": _TEXT,
    "event_ts": _TEXT,
    "channel_type": _TEXT,
    "bot_id": _TEXT,
    "tab": _TEXT,
    "user": _OBJECT_OR_ID,
    "channel": _OBJECT_OR_ID,
    "team": _OBJECT_OR_ID,
    "user_team": _TEXT,
    "assistant_thread": _OPTIONAL_OBJECT,
    "message": _OPTIONAL_OBJECT,
}
_VIEW: dict[str, tuple[type, ...]] = {
    "id": _TEXT,
    "type": _TEXT,
    "callback_id": _TEXT,
    "hash": _TEXT,
    "private_metadata": _TEXT,
    "team_id": _TEXT,
    "app_installed_team_id": _TEXT,
    "state": _OPTIONAL_OBJECT,
}


_MAX_DEPTH = 64  # Slack's deepest payloads (views with blocks) nest about 15 levels
_ACTION: dict[str, tuple[type, ...]] = {
    "type": _TEXT,
    "value": _TEXT,
    "selected_option": _OPTIONAL_OBJECT,
    "selected_options": (list, _NONE),
    "selected_date": _TEXT,
    "selected_time": _TEXT,
    "selected_user": _TEXT,
    "selected_channel": _TEXT,
    "selected_conversation": _TEXT,
}


def shape_problem(body: Any) -> str | None:
    """What is wrong with a payload's shape (one line), or None when Bolt can take it."""
    if not isinstance(body, dict):
        return "the payload is not an object"
    if _too_deep(body):
        return f"the payload nests deeper than {_MAX_DEPTH} levels"
    checks = (_fields(body, _TOP, ""), _nested(body), _lists(body), _actions(body), _state(body))
    return next((problem for problem in checks if problem is not None), None)


def _too_deep(body: Any) -> bool:
    """Deeper than _MAX_DEPTH, measured without recursion (a deep payload must not overflow)."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return True
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _state(body: dict[str, Any]) -> str | None:
    """A form's submitted values: block id -> action id -> an action object of Slack's types."""
    view = body.get("view")
    state = view.get("state") if isinstance(view, dict) else None
    if state is None:
        return None
    values = state.get("values", {})
    if not isinstance(values, dict):
        return "view.state.values must be an object"
    for block in values.values():
        if not isinstance(block, dict) or not all(isinstance(a, dict) for a in block.values()):
            return "view.state.values must hold objects of objects"
        problem = next((p for a in block.values() if (p := _action_value(a)) is not None), None)
        if problem is not None:
            return problem
    return None


def _action_value(action: dict[str, Any]) -> str | None:
    problem = _fields(action, _ACTION, "view.state action ")
    selected = action.get("selected_option")
    options = [selected] if selected is not None else []
    options += action.get("selected_options") or []
    if problem is None and not all(
        isinstance(option, dict) and isinstance(option.get("value", ""), str) for option in options
    ):
        problem = "view.state action has an option without a text value"
    return problem


def _nested(body: dict[str, Any]) -> str | None:
    event, view = body.get("event"), body.get("view")
    if isinstance(event, dict):
        return _fields(event, _EVENT, "event.") if "type" in event else "event.type is missing"
    if isinstance(view, dict):
        return _fields(view, _VIEW, "view.")
    return None


def _lists(body: dict[str, Any]) -> str | None:
    for name in ("authorizations", "actions"):
        if not all(isinstance(item, dict) for item in body.get(name) or []):
            return f"{name} must hold objects"
    return None


def _actions(body: dict[str, Any]) -> str | None:
    """Bolt routes a button press by its first action's action_id."""
    if body.get("type") not in ("block_actions", "interactive_message") or "actions" not in body:
        return None
    actions = body["actions"]
    if not actions:
        return "actions is empty"
    if body["type"] == "block_actions" and not all(
        isinstance(action.get("action_id"), str) for action in actions
    ):
        return "an action has no action_id"
    return None


def _fields(data: dict[str, Any], rules: dict[str, tuple[type, ...]], prefix: str) -> str | None:
    for name, allowed in rules.items():
        if name in data and not isinstance(data[name], allowed):
            return f"{prefix}{name} has the wrong type ({type(data[name]).__name__})"
    return None
