"""Bolt listeners for `/advisor`, buttons, modals and the App Home.

Ack halves run before the HTTP response and stay fast (help text, form
validation); the lazy halves do the work after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.core.messages import ConversationKey, Inbound
from bot.engine.models import DecisionInput
from bot.slack import dedupe, refs
from bot.slack.adapter import SlackAdapter
from bot.slack.blocks import answered_question, help_message
from bot.slack.feedback import feedback_from_view, record_feedback, share
from bot.slack.home import FeedbackMeta, feedback_modal, home_view
from bot.slack.inbound import (
    Destination,
    Turn,
    action_dest,
    command_key,
    command_turn,
    message_ref,
    team_of,
)
from bot.slack.modal import (
    ModalMeta,
    decision_modal,
    form_errors,
    form_values,
    keep_meta,
    kept_meta,
)
from bot.slack.refs import ButtonValue, ConversationRef

log = logging.getLogger(__name__)

FORM_ACTION = "form"  # Inbound.action for a submitted decision form
THANKS = "Thanks for the feedback! 🙏"
FAILED_BUTTON = "Sorry, that didn't work on my side. Please try again in a moment."
HISTORY_FAILED = "Sorry, I couldn't read this channel's decision records. Please try again."
_BUTTON_ACTIONS = {refs.SKIP: "skip", refs.START_OVER: "start_over", refs.DETAILS: "details"}


def command_word(command: dict[str, Any]) -> str:
    """The first word of `/advisor <text>`, lower-cased."""
    words = str(command.get("text") or "").split()
    return words[0].lower() if words else ""


class Interactions:
    """`/advisor`, buttons, the decision and feedback modals, and the App Home."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter
        self.store = adapter.store

    # --- /advisor ---------------------------------------------------------------------

    def ack_command(self, ack: Callable[..., Any], command: dict[str, Any]) -> None:
        """Help is the acknowledgement itself; everything else is acknowledged empty."""
        if command_word(command) in ("", "help"):
            message = help_message()
            ack(text=message.text, blocks=message.blocks, response_type="ephemeral")
        else:
            ack()

    def on_command(self, command: dict[str, Any], body: dict[str, Any]) -> None:
        word = command_word(command)
        if word in ("", "help"):
            return
        turn = command_turn(command)
        if str(command.get("text") or "").strip().lower() == "history":
            self._history(command, turn.dest)
            return
        if word == "decide" and command.get("trigger_id"):
            meta = ModalMeta(
                conv=ConversationRef.of(turn.inbound.key),
                channel=turn.dest.channel,
                response_url=turn.dest.response_url,
            )
            self.open_decision_modal(command["trigger_id"], command_key(command), meta, turn.dest)
            return
        self.adapter.converse(turn)

    def _history(self, command: dict[str, Any], dest: Destination) -> None:
        """`/advisor history`: the channel's decision records, privately to the person."""
        try:
            message = self.adapter.records.history(command)
        except Exception:
            log.exception("could not list decision records")
            self.adapter.tell(dest, HISTORY_FAILED)
            return
        self.adapter.poster.post(dest, message)

    def open_decision_modal(
        self, trigger_id: str, key: ConversationKey, meta: ModalMeta, dest: Destination
    ) -> None:
        """The decision form, prefilled with what the conversation knows so far."""
        try:
            slots = self.adapter.core.slots(key)
        except Exception:
            log.exception("could not read slots of %s", key.id)
            slots = DecisionInput()
        try:
            view = decision_modal(slots, meta)
            # Only an id goes to Slack: a submission's channel and response_url are ours.
            view["private_metadata"] = keep_meta(self.store, meta, key.user)
            self.adapter.client.views_open(trigger_id=trigger_id, view=view)
        except Exception:
            log.exception("views.open failed")
            self.adapter.tell(dest, "Sorry, I couldn't open the form. Please try again.")

    # --- the decision modal -----------------------------------------------------------

    def ack_decision(
        self, ack: Callable[..., Any], body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        """Validate with the core before closing the form: errors stay in the form, input kept."""
        form = form_values(view)
        errors = self._form_errors(form)
        if errors:
            ack(response_action="errors", errors=form_errors(errors, form))
            return
        ack()

    def on_decision(self, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Post the recommendation where the form was opened from."""
        user = str((body.get("user") or {}).get("id") or "")
        meta = kept_meta(self.store, view, user)
        if meta is None:
            log.warning("decision form this app did not open for %s", user)
            return
        form = form_values(view)
        if self._form_errors(form):
            return  # the ack kept the form open with its errors; nothing to post
        if not dedupe.claim(self.store, dedupe.submission_id(body)):
            return  # the same submission delivered twice
        dest = Destination(
            channel=meta.channel,
            thread_ts=meta.thread,
            user=user if meta.response_url else None,
            response_url=meta.response_url,
        )
        inbound = Inbound(key=meta.conv.key(user), action=FORM_ACTION, form=form)
        self.adapter.converse(Turn(inbound, dest))

    def _form_errors(self, form: dict[str, str]) -> dict[str, str]:
        try:
            return self.adapter.core.validate_form(form)
        except Exception:
            log.exception("form validation failed")
            return {"_form": "Something went wrong checking this form; please submit again."}

    # --- buttons ----------------------------------------------------------------------

    def on_action(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Route a click on one of Advisor's buttons; a failure is told to the person."""
        action_id = str(action.get("action_id") or "")
        user = str((body.get("user") or {}).get("id") or "")
        if action_id == refs.HOME_DECIDE:
            self._decide_from_home(body, user)
            return
        value = refs.decode_button(action.get("value"))
        if value is None:
            log.warning("button %s without a readable value", action_id)
            return
        # Details only shows a card's rest: anyone who sees a (shared) card may open it.
        read_only = action_id == refs.CARD_DETAILS
        if not read_only and not refs.may_act(value.conv, user, action_channel(body)):
            log.warning("ignored %s by %s on a conversation that is not theirs", action_id, user)
            return
        if not dedupe.claim(self.store, dedupe.click_id(body, action_id, value.slot, user)):
            log.info("ignored a repeated click on %s", action_id)
            return
        dest = action_dest(body, value)
        if action_id.startswith(refs.CHOICE) or action_id == refs.SKIP:
            self._close_question(body, action, value, user)
        try:
            self._on_button(action_id, body, value, dest, user)
        except Exception:
            log.exception("button %s failed", action_id)
            self.adapter.tell(_private(dest, user), FAILED_BUTTON)

    def _close_question(
        self, body: dict[str, Any], action: dict[str, Any], value: ButtonValue, user: str
    ) -> None:
        """Replace the clicked question's buttons with who chose what (best effort).

        A channel message is updated from Slack's copy of its blocks (chat.update); a
        private one, which Slack sends without blocks, from our stored copy through
        the response_url.
        """
        label = str((action.get("text") or {}).get("text") or "this")
        try:
            if (body.get("container") or {}).get("is_ephemeral"):
                self._close_private_question(body, action, value, label, user)
            else:
                self._close_channel_question(body, action, label, user)
        except Exception:
            log.warning("could not close the question", exc_info=True)

    def _close_channel_question(
        self, body: dict[str, Any], action: dict[str, Any], label: str, user: str
    ) -> None:
        message = body.get("message") or {}
        container = body.get("container") or {}
        blocks, ts = message.get("blocks"), message.get("ts") or container.get("message_ts")
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        if not isinstance(blocks, list) or not ts or not channel:
            return
        closed = answered_question(blocks, action, label, user)
        if closed is not None:
            text = str(message.get("text") or label)
            self.adapter.client.chat_update(channel=channel, ts=ts, text=text, blocks=closed)

    def _close_private_question(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        value: ButtonValue,
        label: str,
        user: str,
    ) -> None:
        stored = self.adapter.shared_reply(value.share) if value.share else None
        response_url = body.get("response_url")
        if stored is None or not response_url:
            return
        for message in stored.get("messages") or []:
            closed = answered_question(message.get("blocks") or [], action, label, user)
            if closed is None:
                continue
            message["blocks"] = closed  # sharing it later shares the answered question
            replace = {"replace_original": True, "text": message.get("text"), "blocks": closed}
            self.adapter.poster.respond(str(response_url), replace)
            self.adapter.update_shared(str(value.share), stored)
            return

    def _on_button(
        self, action_id: str, body: dict[str, Any], value: ButtonValue, dest: Destination, user: str
    ) -> None:
        key = value.conv.key(user)
        if action_id.startswith(refs.CHOICE):
            inbound = Inbound(key=key, action="slot", slot=value.slot, value=value.value)
            self.adapter.converse(Turn(inbound, dest))
        elif action_id in _BUTTON_ACTIONS:
            inbound = Inbound(key=key, action=_BUTTON_ACTIONS[action_id], slot=value.slot)
            self.adapter.converse(Turn(inbound, dest))
        elif action_id == refs.OPEN_FORM:
            meta = ModalMeta(
                conv=value.conv,
                channel=dest.channel,
                thread=dest.thread_ts,
                response_url=dest.response_url,
            )
            self.open_decision_modal(str(body.get("trigger_id")), key, meta, dest)
        elif action_id == refs.FEEDBACK_UP:
            record_feedback(self.store, user, value, message_ref(body), rating=1, reason=None)
            self.adapter.tell(_private(dest, user), THANKS)
        elif action_id == refs.FEEDBACK_DOWN:
            feedback = FeedbackMeta(value=value, message_ref=message_ref(body))
            view = feedback_modal(feedback)
            self.adapter.client.views_open(trigger_id=str(body.get("trigger_id")), view=view)
        elif action_id == refs.SHARE and value.share:
            share(self.adapter, value.share, dest, user)
        elif action_id == refs.CARD_DETAILS:
            self.adapter.records.details(body, value, user, dest)
        elif action_id == refs.SAVE_RECORD:
            self.adapter.records.save(body, value, user, dest)
        elif action_id == refs.UPDATE_RECORD:
            self.adapter.records.update(body, value, user, dest)

    def _decide_from_home(self, body: dict[str, Any], user: str) -> None:
        conv = ConversationRef(w=team_of(body), c=user, t="home")
        meta = ModalMeta(conv=conv, channel=user)  # the result goes to the App's DM
        dest = Destination(channel=user)
        self.open_decision_modal(str(body.get("trigger_id")), conv.key(user), meta, dest)

    # --- feedback ---------------------------------------------------------------------

    def on_feedback_submitted(self, body: dict[str, Any], view: dict[str, Any]) -> None:
        feedback_from_view(self.store, body, view, submitted=True)

    def on_feedback_closed(self, body: dict[str, Any], view: dict[str, Any]) -> None:
        feedback_from_view(self.store, body, view, submitted=False)

    # --- App Home ---------------------------------------------------------------------

    def on_home_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """Publish the Home tab with the user's recent decisions."""
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        user = str(event["user"])
        try:
            decisions = self.store.recent_decisions(user, limit=10)
        except Exception:
            log.exception("could not load recent decisions")
            decisions = []
        try:
            records = self.store.user_records(user, limit=10)
        except Exception:
            log.exception("could not load decision records")
            records = []
        self.adapter.client.views_publish(user_id=user, view=home_view(decisions, records))


def action_channel(body: dict[str, Any]) -> str | None:
    """The channel Slack says the click happened in."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return str(channel) if channel else None


def _private(dest: Destination, user: str) -> Destination:
    """The same place, visible only to the person who clicked."""
    if dest.ephemeral:
        return dest
    return Destination(channel=dest.channel, thread_ts=dest.thread_ts, user=user)
