"""`Advisor`: the ConversationCore every channel calls.

It loads a conversation's state from the Store, runs one pure dialogue step, saves the
new state, records recommendations, and answers questions through the Answerer. Bad
input never raises: the worst a user sees is a short apology, with nothing lost.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core import texts
from bot.core.dialogue import step
from bot.core.forms import form_errors
from bot.core.meaning import Reader, read_meaning
from bot.core.messages import ConversationKey, Inbound, Reply, ReplyKind
from bot.core.ports import Answer, Answerer, KnowledgeUnavailable, SlotProposer
from bot.core.state import DialogueState, Tools
from bot.engine.models import Citation, DecisionInput, Recommendation
from bot.store.base import DecisionRecord, Store, VersionedStore

log = logging.getLogger(__name__)

KNOWLEDGE_DOWN = (
    "The knowledge base is unavailable right now, so I can't answer questions from it. "
    "Decisions still work: tell me about your AI feature, or say **help**."
)
_LOCKS = 64  # conversations in one process are serialized on one of these
_ATTEMPTS = 5  # a turn re-run on a newer state when another worker saved first
_APPLIED = "applied"  # the state's record of the deliveries that produced it
_KEEP_IDS = 50  # delivery ids remembered per conversation
_KEEP_REPLIES = 5  # ... of which the latest keep their replies, to re-send on redelivery

# The id of the delivery (Slack event, click, submission) being handled in this thread,
# the same on every retry and redelivery of it; None outside Slack.
_delivery: ContextVar[str | None] = ContextVar("advisor_delivery", default=None)


@contextmanager
def delivery(ident: str | None) -> Iterator[None]:
    """Turns handled inside are applied at most once for this delivery id."""
    token = _delivery.set(ident)
    try:
        yield
    finally:
        _delivery.reset(token)


class ConversationMoved(RuntimeError):
    """Other workers kept saving the conversation first: the turn could not be saved."""


_PURGE_EVERY = timedelta(hours=1)


def answer_replies(answer: Answer) -> list[Reply]:
    """A knowledge-base answer as a reply, citing each section once."""
    if answer.abstained:
        return [Reply(kind=ReplyKind.abstain, text=answer.answer)]
    citations: dict[tuple[str, str], Citation] = {}
    for source in answer.sources:
        key = (source.path, source.section)
        citations.setdefault(key, source.citation())
    return [Reply(kind=ReplyKind.answer, text=answer.answer, citations=list(citations.values()))]


class Advisor:
    """The conversation core: state from the store, a dialogue step, replies."""

    def __init__(
        self,
        store: Store,
        answerer: Answerer,
        decide: Callable[[DecisionInput], Recommendation],
        *,
        ttl: timedelta = timedelta(hours=72),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        proposer: SlotProposer | None = None,
        reader: Reader = read_meaning,
    ) -> None:
        self.store = store
        self._answerer = answerer
        self._proposer = proposer
        self._tools = Tools(
            decide=decide,
            answer=self._answer,
            propose=self._propose if proposer is not None else None,
            read=reader,
        )
        self._ttl = ttl
        self._clock = clock
        self._locks = [threading.Lock() for _ in range(_LOCKS)]
        self._last_purge: datetime | None = None

    def handle(self, inbound: Inbound) -> list[Reply]:
        """One step of a conversation; never raises for bad user input.

        A delivery already applied to the state (a redelivery after a worker died) is
        not stepped again: its stored replies come back instead.
        """
        now = self._clock()
        conversation = inbound.key.id
        try:
            with self._lock(conversation):
                replies, fresh = self._turn(conversation, inbound, now, _delivery.get())
            if fresh:
                self._record(inbound.key, replies, now)
            self._maybe_purge(now)
        except Exception:
            log.exception("conversation %s: could not handle a message", conversation)
            return [Reply(kind=ReplyKind.error, text=texts.BROKEN)]
        return replies

    def _turn(
        self, conversation: str, inbound: Inbound, now: datetime, ident: str | None
    ) -> tuple[list[Reply], bool]:
        """Load, step and save, again on a newer state when another worker saved first."""
        for _ in range(_ATTEMPTS):
            raw, version = self._load_versioned(conversation)
            applied = list((raw or {}).get(_APPLIED) or [])
            done = _replies_of(applied, ident)
            if done is not None:
                log.info("conversation %s: %s already applied, re-sending", conversation, ident)
                return done, False
            new_state, replies = step(self._fresh(raw, now), inbound, now, self._tools)
            data = new_state.to_json()
            if ident is not None:
                data[_APPLIED] = _remember(applied, ident, replies)
            if self._save_versioned(conversation, data, version):
                return replies, True
        raise ConversationMoved(conversation)

    def _load_versioned(self, conversation: str) -> tuple[dict[str, Any] | None, int | None]:
        if isinstance(self.store, VersionedStore):
            return self.store.load_versioned(conversation)
        return self.store.load_state(conversation), None

    def _save_versioned(self, conversation: str, data: dict[str, Any], version: int | None) -> bool:
        if isinstance(self.store, VersionedStore):
            return self.store.save_versioned(conversation, data, version)
        self.store.save_state(conversation, data)  # a single-process store: the lock suffices
        return True

    def slots(self, key: ConversationKey) -> DecisionInput:
        """The slots filled so far in a conversation (to prefill a form)."""
        return self._load(key.id, self._clock()).decision_input()

    def validate_form(self, form: dict[str, Any]) -> dict[str, str]:
        """Errors by slot name for a submitted form; empty when it is valid."""
        return form_errors(form)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    def _lock(self, conversation: str) -> threading.Lock:
        digest = hashlib.blake2b(conversation.encode(), digest_size=4).digest()
        return self._locks[int.from_bytes(digest, "big") % _LOCKS]

    def _load(self, conversation: str, now: datetime) -> DialogueState:
        return self._fresh(self.store.load_state(conversation), now)

    def _fresh(self, raw: dict[str, Any] | None, now: datetime) -> DialogueState:
        """The saved state, or a new one when it expired."""
        state = DialogueState.from_json(raw)
        updated = state.updated_at
        if updated is not None and now - _aware(updated) > self._ttl:
            return DialogueState()
        return state

    def _answer(self, question: str) -> list[Reply]:
        try:
            return answer_replies(self._answerer.answer(question))
        except KnowledgeUnavailable as exc:
            log.warning("knowledge base unavailable: %s", exc)
        except Exception:  # a broken index must not break the dialogue around it
            log.exception("knowledge base failed on a question")
        return [Reply(kind=ReplyKind.error, text=KNOWLEDGE_DOWN)]

    def _propose(self, text: str, pending: str | None) -> dict[str, Any]:
        assert self._proposer is not None  # only handed to the dialogue with a proposer
        try:
            return self._proposer.propose(text, pending)
        except Exception:  # proposals are optional: the deterministic slots carry on alone
            log.exception("slot proposals failed")
            return {}

    def _record(self, key: ConversationKey, replies: list[Reply], now: datetime) -> None:
        for reply in replies:
            rec = reply.recommendation
            if reply.kind is ReplyKind.recommendation and rec is not None:
                slots = rec.input.model_dump(mode="json", exclude_unset=True, exclude_none=True)
                record = DecisionRecord(
                    user=key.user,
                    conversation=key.id,
                    approach=rec.approach.value,
                    headline=rec.headline,
                    slots=slots,
                    created_at=now,
                )
                self.store.record_decision(record)

    def _maybe_purge(self, now: datetime) -> None:
        if self._last_purge is not None and now - self._last_purge < _PURGE_EVERY:
            return
        self._last_purge = now
        removed = self.store.purge_expired(now - self._ttl)
        if removed:
            log.info("removed %d expired dialogues", removed)


def _replies_of(applied: list[dict[str, Any]], ident: str | None) -> list[Reply] | None:
    """The replies a delivery produced when it was applied; None if it never was."""
    if ident is None:
        return None
    for entry in applied:
        if entry.get("id") == ident:
            return [Reply.model_validate(r) for r in entry.get("replies") or []]
    return None


def _remember(
    applied: list[dict[str, Any]], ident: str, replies: list[Reply]
) -> list[dict[str, Any]]:
    """The applied deliveries with this one last; only the latest keep their replies."""
    entry = {"id": ident, "replies": [r.model_dump(mode="json") for r in replies]}
    kept = [*applied, entry][-_KEEP_IDS:]
    cut = len(kept) - _KEEP_REPLIES
    return [e if i >= cut else {"id": e["id"]} for i, e in enumerate(kept)]


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
