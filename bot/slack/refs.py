"""Action ids and the small JSON references Advisor puts in button values and modals.

A button carries the conversation it belongs to, so a click is routed to the
right dialogue whichever worker receives it and whatever thread it sits in.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.core.messages import ConversationKey

# action_id values (prefixes end with ":" and take an index, as ids must be unique in a block)
CHOICE = "advisor_choice:"
SKIP = "advisor_skip"
START_OVER = "advisor_start_over"
OPEN_FORM = "advisor_open_form"
FEEDBACK_UP = "advisor_feedback_up"
FEEDBACK_DOWN = "advisor_feedback_down"
SHARE = "advisor_share"
DETAILS = "advisor_details"  # the full card of a compact what-if
HOME_DECIDE = "advisor_home_decide"
CARD_DETAILS = "advisor_card_details"  # the rest of a compact recommendation card
SAVE_RECORD = "advisor_save_record"  # save a recommendation as the thread's decision record
UPDATE_RECORD = "advisor_update_record"  # update a record after its trigger fired

# view callback ids
DECIDE_VIEW = "advisor_decide"
FEEDBACK_VIEW = "advisor_feedback"

COMMAND_THREAD_PREFIX = "cmd:"  # slash-command conversations: one per user and channel


class ConversationRef(BaseModel):
    """Where a conversation lives: workspace, channel and thread (the key without the user)."""

    model_config = ConfigDict(frozen=True)

    w: str
    c: str
    t: str = ""

    @classmethod
    def of(cls, key: ConversationKey) -> ConversationRef:
        return cls(w=key.workspace, c=key.channel, t=key.thread)

    def key(self, user: str) -> ConversationKey:
        """The conversation key for the person who acted."""
        return ConversationKey(workspace=self.w, channel=self.c, thread=self.t, user=user)

    @property
    def reply_thread(self) -> str | None:
        """The Slack thread replies go to: None for a DM root or a slash-command conversation."""
        if not self.t or self.t.startswith(COMMAND_THREAD_PREFIX):
            return None
        return self.t


class ButtonValue(BaseModel):
    """What a button's value holds."""

    conv: ConversationRef
    slot: str | None = None
    value: str | None = None
    kind: str | None = None  # the reply kind feedback is about
    share: str | None = None  # id of a stored ephemeral reply
    inputs: dict[str, Any] | None = None  # a recommendation's inputs: the engine re-runs it
    record: int | None = None  # a decision record's id ...
    rev: int | None = None  # ... and the revision an update replaces


def encode(model: BaseModel) -> str:
    """Compact JSON of a reference, leaving out empty fields."""
    return model.model_dump_json(exclude_none=True)


def decode_button(raw: str | None) -> ButtonValue | None:
    """The button value, or None when it is not one of Advisor's."""
    return _decode(ButtonValue, raw)


def _decode(model: type[Any], raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return model.model_validate(json.loads(raw))
    except (ValueError, ValidationError):
        return None


def may_act(conv: ConversationRef, user: str, channel: str | None) -> bool:
    """Whether `user`, clicking in `channel`, may change the conversation `conv`.

    A slash-command or App Home conversation belongs to one person; a DM's buttons
    only count when clicked in that DM. Channel threads are shared by design.
    """
    if conv.t.startswith(COMMAND_THREAD_PREFIX):
        return conv.t == f"{COMMAND_THREAD_PREFIX}{user}"
    if conv.t == "home":
        return conv.c == user
    if conv.c.startswith("D"):
        return channel == conv.c
    return True
