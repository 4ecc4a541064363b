"""Decision records in Slack threads: saving, updating, history, and watching for triggers.

Saving is idempotent in the store (one record per recommendation message), updating is
a conditional write over the revision the button was shown with, and the Details of a
card are posted once per message (a claim in the store). Only people in the channel
can save or update; the clicker is recorded. Nothing here raises into a turn: a failing
store or Slack call is logged, and the person is told when they asked for something.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.core.messages import Reply, ReplyKind
from bot.core.ports import ConversationCore
from bot.core.records import (
    DEFAULT,
    STATED,
    ThreadRecord,
    build_record,
    changed_inputs,
    fired,
    restored_state,
    set_inputs,
)
from bot.core.thread_facts import read_facts
from bot.engine import decide
from bot.engine.models import DecisionInput, Recommendation
from bot.slack import dedupe
from bot.slack.blocks import SlackMessage, notice, pack
from bot.slack.card import details_blocks
from bot.slack.inbound import Destination, Turn
from bot.slack.people import People
from bot.slack.poster import Poster
from bot.slack.record_blocks import (
    history_message,
    record_message,
    saved_card,
    trigger_message,
)
from bot.slack.refs import ButtonValue, ConversationRef
from bot.store.base import Store

log = logging.getLogger(__name__)
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")

SOURCES_PREFIX = "record-sources:"
MEMBER_PAGES = 10  # conversations.members pages (1,000 each) read before giving up
NOT_A_MEMBER = "Only people in this channel can save or update its decision records."
CANNOT_CHECK = (
    "I couldn't check that you're in this channel ({error}), so nothing was saved. "
    "An admin may need to reinstall Advisor with the channels:read and groups:read scopes."
)
ALREADY_SAVED = "This recommendation is already saved as a decision record (by <@{user}>)."
ALREADY_UPDATED = "That decision record was already updated; the thread shows the newest one."
RECORD_GONE = "That decision record no longer exists."
DETAILS_POSTED = "The details of this recommendation are already in the thread."
HISTORY_IN_CHANNEL = "`/advisor history` lists a channel's decision records: run it in a channel."
SAVE_FAILED = "Sorry, I couldn't post the decision record. Nothing was saved; please try again."
BAD_INPUTS = "Sorry, this button is from an older version of Advisor; ask again for a new one."


def is_channel_thread(dest: Destination) -> bool:
    """A thread everyone in a channel sees (records live there, not in DMs or private replies)."""
    return bool(dest.thread_ts) and not dest.ephemeral and dest.channel[:1] in ("C", "G")


class ThreadRecords:
    """Records for one app: the store, Slack, and the core (for the thread's inputs)."""

    def __init__(
        self,
        store: Store,
        poster: Poster,
        core: ConversationCore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        people: People | None = None,
    ) -> None:
        self.store = store
        self.poster = poster
        self.core = core
        self.clock = clock
        self.people = people or People(poster.client)

    # --- around every turn in a channel thread ----------------------------------------

    def before_turn(self, turn: Turn) -> ThreadRecord | None:
        """The thread's record; its decision is restored when the dialogue expired."""
        if not is_channel_thread(turn.dest):
            return None
        try:
            record = self.store.thread_record(turn.dest.channel, str(turn.dest.thread_ts))
            if record is not None:
                self._restore(turn, record)
            return record
        except Exception:
            log.warning("could not look up the decision record of a thread", exc_info=True)
            return None

    def _restore(self, turn: Turn, record: ThreadRecord) -> None:
        key = turn.inbound.key
        if set_inputs(self.core.slots(key)):
            return  # the dialogue is alive
        raw = self.store.load_state(key.id)
        if raw is not None and raw.get("phase") == "idle":
            return  # someone said "start over": a new decision, not the record's
        state = restored_state(record)
        if state is None:
            return
        self.store.save_state(key.id, state)
        if self.store.load_state(SOURCES_PREFIX + key.id) is None:  # expired with the dialogue
            self.store.save_state(SOURCES_PREFIX + key.id, _sources_of(record))

    def note_turn(self, turn: Turn) -> dict[str, Any]:
        """Who stated which input, noted as soon as the core has run the turn (the next
        message in the thread cannot be an answer to it yet). Never raises."""
        if not is_channel_thread(turn.dest):
            return {}
        try:
            return self._note_sources(turn)
        except Exception:
            log.warning("could not note who stated the inputs", exc_info=True)
            return {}

    def after_turn(
        self,
        turn: Turn,
        replies: Sequence[Reply],
        record: ThreadRecord | None,
        sources: dict[str, Any],
    ) -> None:
        """Tell the thread when its record no longer holds, with a button to update it.

        The offer is made once per record revision and new approach, so that a thread
        refining its numbers is not asked again at every message.
        """
        if not is_channel_thread(turn.dest):
            return
        try:
            rec = _last_recommendation(replies)
            if record is None or rec is None or rec.approach == record.approach:
                return
            offer = f"{record.id}:{record.revision}:{rec.approach.value}"
            key = SOURCES_PREFIX + turn.inbound.key.id
            noted = self.store.load_state(key) or sources
            if noted.get("offered") == offer:
                return
            conv = ConversationRef.of(turn.inbound.key)
            new = rec.input
            message = trigger_message(
                record, rec, fired(record, new), changed_inputs(record, new), conv
            )
            self.poster.post(turn.dest, message)
            self.store.save_state(key, {**noted, "offered": offer})
        except Exception:
            log.warning("could not check the thread's decision record", exc_info=True)

    def _note_sources(self, turn: Turn) -> dict[str, Any]:
        """Remember, per thread, who gave each input's current value (and who asked)."""
        key = turn.inbound.key
        current = set_inputs(self.core.slots(key))
        saved = self.store.load_state(SOURCES_PREFIX + key.id)
        sources = saved or {"asked_by": key.user, "by": {}, "values": {}}
        by, values = dict(sources.get("by") or {}), dict(sources.get("values") or {})
        earlier = _thread_authors(turn)
        for slot, value in current.items():
            if values.get(slot) != value:
                said = earlier.get(slot)
                who = said[0] if said is not None and said[1] == value else key.user
                by[slot], values[slot] = who, value
        for slot in [s for s in values if s not in current]:
            by.pop(slot, None)
            values.pop(slot)
        updated = {**sources, "by": by, "values": values}
        if updated != saved:
            self.store.save_state(SOURCES_PREFIX + key.id, updated)
        return updated

    def _sources(self, conv: ConversationRef, inputs: dict[str, Any]) -> tuple[str | None, dict]:
        saved = self.store.load_state(SOURCES_PREFIX + conv.key("-").id) or {}
        values = saved.get("values") or {}
        by = {
            slot: user
            for slot, user in (saved.get("by") or {}).items()
            if slot in inputs and values.get(slot) == inputs[slot]
        }
        return saved.get("asked_by"), by

    # --- buttons ----------------------------------------------------------------------

    def save(self, body: dict[str, Any], value: ButtonValue, user: str, dest: Destination) -> None:
        """Save the recommendation a button sat under as the thread's decision record."""
        rec = _rerun(value)
        source_ts = _message_ts(body)
        if rec is None or not source_ts or not is_channel_thread(dest):
            self._tell(dest, user, BAD_INPUTS)
            return
        if not self._member_or_told(dest, user):
            return
        asked_by, stated_by = self._sources(value.conv, set_inputs(rec.input))
        draft = build_record(
            rec,
            workspace=value.conv.w,
            channel=dest.channel,
            thread_ts=str(dest.thread_ts),
            source_ts=source_ts,
            saved_by=user,
            asked_by=asked_by,
            stated_by=stated_by,
            now=self.clock(),
        )
        record, created = self.store.save_record(draft)
        if not created:
            self._tell(dest, user, ALREADY_SAVED.format(user=record.saved_by))
            return
        try:
            self._post_record(record, dest)
        except Exception:
            log.exception("could not post a decision record")
            self.store.delete_record(record.id or 0)  # so that the next click can save it
            self._tell(dest, user, SAVE_FAILED)
            return
        self._mark_saved(body, dest, user)

    def _mark_saved(self, body: dict[str, Any], dest: Destination, user: str) -> None:
        """The card loses its Save button and says who saved it (best effort)."""
        message = body.get("message") or {}
        blocks, ts = message.get("blocks"), message.get("ts")
        if not isinstance(blocks, list) or not blocks or not ts:
            return
        try:
            self.poster.client.chat_update(
                channel=dest.channel,
                ts=str(ts),
                text=str(message.get("text") or "Recommendation"),
                blocks=saved_card(blocks, user),
            )
        except Exception as exc:
            log.info("could not mark the card as saved: %s", exc)

    def update(
        self, body: dict[str, Any], value: ButtonValue, user: str, dest: Destination
    ) -> None:
        """Replace the thread's record with the recommendation a fired trigger led to."""
        rec = _rerun(value)
        if rec is None or value.record is None or value.rev is None:
            self._tell(dest, user, BAD_INPUTS)
            return
        if not self._member_or_told(dest, user):
            return
        current = self.store.thread_record(dest.channel, str(dest.thread_ts))
        if current is None or current.id != value.record:
            self._tell(dest, user, RECORD_GONE)
            return
        _, stated_by = self._sources(value.conv, set_inputs(rec.input))
        now = self.clock()
        fresh = build_record(
            rec,
            workspace=current.workspace,
            channel=current.channel,
            thread_ts=current.thread_ts,
            source_ts=current.source_ts,
            saved_by=current.saved_by,
            asked_by=current.asked_by,
            stated_by=stated_by,
            now=current.created_at,
        )
        fresh = fresh.model_copy(
            update={
                "id": current.id,
                "updated_by": user,
                "updated_at": now,
                "message_ts": current.message_ts,
                "permalink": current.permalink,
            }
        )
        updated = self.store.update_record(fresh, value.rev)
        if updated is None:
            self._tell(dest, user, ALREADY_UPDATED)
            return
        self._post_record(updated, dest)

    def _post_record(self, record: ThreadRecord, dest: Destination) -> None:
        thread = Destination(channel=dest.channel, thread_ts=dest.thread_ts)
        stated = [s.by for s in record.sources if s.by and s.source != DEFAULT]
        ts = self.poster.post(thread, record_message(record, self.people.names(stated)))
        if ts:
            self.store.set_record_message(record.id or 0, ts, self._permalink(dest.channel, ts))

    def _permalink(self, channel: str, ts: str) -> str | None:
        """Slack's link to the record (bounded by the client's timeout); None when refused."""
        try:
            response = self.poster.client.chat_getPermalink(channel=channel, message_ts=ts)
        except Exception as exc:
            log.info("chat.getPermalink failed: %s", exc)
            return None
        link = response.get("permalink")
        return str(link) if link else None

    def details(
        self, body: dict[str, Any], value: ButtonValue, user: str, dest: Destination
    ) -> None:
        """Post what the compact card left out, once per message (once per person if private)."""
        rec = _rerun(value)
        if rec is None:
            self._tell(dest, user, BAD_INPUTS)
            return
        card = _message_ts(body)
        once_per = f":{user}" if dest.ephemeral else ""  # a private card: once per person
        ident = f"card-details:{dest.channel}:{card or '-'}{once_per}"
        if not dedupe.claim(self.store, ident):
            self._tell(dest, user, DETAILS_POSTED)
            return
        if not dest.ephemeral and dest.thread_ts is None and card:
            dest = Destination(channel=dest.channel, thread_ts=card)  # a thread under the card
        fallback = f"Details: {rec.headline}"
        self.poster.send(dest, pack(details_blocks(rec), fallback))

    def _member_or_told(self, dest: Destination, user: str) -> bool:
        answer = channel_member(self.poster, dest.channel, user)
        if answer is True:
            return True
        told = NOT_A_MEMBER if answer is False else CANNOT_CHECK.format(error=answer)
        self._tell(dest, user, told)
        return False

    def _tell(self, dest: Destination, user: str, text: str) -> None:
        private = dest if dest.ephemeral else Destination(dest.channel, dest.thread_ts, user)
        try:
            self.poster.post(private, notice(text))
        except Exception:
            log.exception("could not tell %s in %s", user, dest.channel)

    # --- /advisor history -------------------------------------------------------------

    def history(self, command: dict[str, Any]) -> SlackMessage:
        """The channel's records, newest first, with links to their threads."""
        channel = str(command.get("channel_id") or "")
        if not channel or channel.startswith("D"):
            return notice(HISTORY_IN_CHANNEL)
        records = self.store.channel_records(channel, limit=10)
        return history_message(records, channel, command.get("team_domain"))


def channel_member(poster: Poster, channel: str, user: str) -> bool | str:
    """True or False, or Slack's error code when membership cannot be read."""
    cursor = None
    for _ in range(MEMBER_PAGES):
        try:
            response = poster.client.conversations_members(
                channel=channel, limit=1000, cursor=cursor
            )
        except SlackApiError as exc:
            return str(exc.response.get("error") or "error")
        except Exception as exc:
            log.warning("conversations.members failed: %s", exc)
            return "Slack did not answer"
        if user in (response.get("members") or []):
            return True
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return False
    return "the channel is too large to check"


def _rerun(value: ButtonValue) -> Recommendation | None:
    """The recommendation a button sat under: the engine is deterministic."""
    if value.inputs is None:
        return None
    try:
        return decide(DecisionInput.model_validate(value.inputs))
    except ValueError:
        return None


def _thread_authors(turn: Turn) -> dict[str, tuple[str, Any]]:
    """Who stated each input in the earlier messages of a thread Advisor was just called
    into (bot.core.thread_facts reads them the same way the dialogue did): slot -> (user,
    value). Empty for any other turn."""
    thread = turn.inbound.thread
    if thread is None or not thread.messages:
        return {}
    facts = read_facts([(m.author, m.text) for m in thread.messages])
    out: dict[str, tuple[str, Any]] = {}
    for slot, fact in facts.items():
        user = _USER.fullmatch(fact.author.strip())
        if user is not None:
            out[slot] = (user.group(1), _json_value(fact.value))
    return out


def _json_value(value: Any) -> Any:
    """A slot value as the dialogue stores it (enums by their value)."""
    return getattr(value, "value", value)


def _sources_of(record: ThreadRecord) -> dict[str, Any]:
    """Who stated what, as the record kept it (to resume a thread whose dialogue expired)."""
    stated = [s for s in record.sources if s.source == STATED and s.slot in record.inputs]
    return {
        "asked_by": record.asked_by,
        "by": {s.slot: s.by for s in stated if s.by},
        "values": {s.slot: record.inputs[s.slot] for s in stated},
    }


def _last_recommendation(replies: Sequence[Reply]) -> Recommendation | None:
    recs = [r.recommendation for r in replies if r.kind == ReplyKind.recommendation]
    return recs[-1] if recs else None


def _message_ts(body: dict[str, Any]) -> str | None:
    container = body.get("container") or {}
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return str(ts) if ts else None
