"""The conversation as a pure state machine: `step(state, inbound, now, tools)`.

A step routes the message (text, button or form), updates a copy of the state and
returns the replies. It does no I/O of its own: the engine and the knowledge base
come in as `Tools`, so the same step runs in tests, the terminal and Slack.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.core import slots as sl
from bot.core import texts
from bot.core.extract import MAX_TEXT, Extraction, extract
from bot.core.flow import advance, apply, ask, compare, recommend, rejected, remember_hints
from bot.core.forms import submit_form
from bot.core.messages import Inbound, Reply, ReplyKind, ThreadContext
from bot.core.proposals import merge
from bot.core.router import Intent, route
from bot.core.state import DialogueState, Phase, Tools
from bot.core.thread_facts import take_thread

Step = tuple[DialogueState, list[Reply]]


def step(state: DialogueState, inbound: Inbound, now: datetime, tools: Tools) -> Step:
    """One turn of a conversation: the new state and what to say."""
    state = state.model_copy(deep=True, update={"updated_at": now})
    if inbound.form is not None:
        return state, submit_form(state, inbound.form, tools)
    if inbound.action:
        return state, _action(state, inbound, tools)
    if inbound.thread is not None:
        return state, _joined(state, inbound, inbound.thread, tools)
    return state, _text(state, inbound.text[:MAX_TEXT], tools)


def _joined(
    state: DialogueState, inbound: Inbound, thread: ThreadContext, tools: Tools
) -> list[Reply]:
    """A message that brings Advisor into a thread: what the thread settled, then the turn.

    Without text (a thread shared to Advisor) the decision starts, or goes on, by itself.
    """
    said = take_thread(state, thread, tools)
    if inbound.text.strip():
        replies = _text(state, inbound.text[:MAX_TEXT], tools)
    elif state.phase is Phase.idle:
        replies = advance(state, tools, lead=texts.START)
    else:
        replies = [] if said else _status(state, "", extract(""), tools)
    if said and state.phase is Phase.collecting and state.pending is None:
        replies += advance(state, tools)  # a detour (help, a question) still asks what's missing
    return [*said, *replies]


# Messages about the decision, where an LLM's slot proposals are worth asking for.
_PROPOSE_FOR = (Intent.decide, Intent.answer, Intent.what_if)


def _text(state: DialogueState, text: str, tools: Tools) -> list[Reply]:
    found = extract(text, state.pending)
    has_slots = bool(found.slots) or found.examples_per_category is not None
    intent = route(
        text,
        in_dialogue=state.phase is Phase.collecting,
        recommended=state.phase is Phase.recommended,
        has_slots=has_slots,
        read=tools.read,
    )
    if tools.propose is not None and intent in _PROPOSE_FOR:
        found = merge(found, tools.propose(text, state.pending))
    return _HANDLERS[intent](state, text, found, tools)


Handler = Callable[[DialogueState, str, Extraction, Tools], list[Reply]]


def _empty(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    return _with_reask(state, [Reply(kind=ReplyKind.help, text=texts.EMPTY)])


def _help(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    return _with_reask(state, [Reply(kind=ReplyKind.help, text=texts.HELP)])


def _greeting(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    return _with_reask(
        state, [Reply(kind=ReplyKind.help, text=texts.HELP.replace("I'm", "Hi! I'm", 1))]
    )


def _thanks(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    return _with_reask(state, [Reply(kind=ReplyKind.info, text=texts.THANKS)])


def _reset(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    _clear(state)
    return [Reply(kind=ReplyKind.info, text=texts.STARTED_OVER)]


def _clear(state: DialogueState) -> None:
    fresh = DialogueState(updated_at=state.updated_at)
    for name in DialogueState.model_fields:
        setattr(state, name, getattr(fresh, name))


def _skip(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    return skip_slot(state, state.pending, dont_know=False, tools=tools)


def _dont_know(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    return skip_slot(state, state.pending, dont_know=True, tools=tools)


def skip_slot(
    state: DialogueState, slot: str | None, *, dont_know: bool, tools: Tools
) -> list[Reply]:
    """Skip a question ('don't know' a failure cause is the answer 'unknown')."""
    if state.phase is Phase.recommended:
        return [Reply(kind=ReplyKind.info, text=texts.AFTER_RECOMMENDATION)]
    if slot is None or state.phase is not Phase.collecting:
        return [Reply(kind=ReplyKind.info, text=texts.NOTHING_TO_SKIP)]
    if slot == "failure_cause" and dont_know:
        state.slots[slot] = "unknown"
    elif slot not in state.skipped:
        state.skipped.append(slot)
    lead = "Okay, no problem." if dont_know else "Okay, skipping that."
    return advance(state, tools, lead)


def _status(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    known = sl.summary(state.slots) or "nothing yet"
    reply = Reply(
        kind=ReplyKind.summary, text=f"So far I know: {known}.", slots=state.decision_input()
    )
    return _with_reask(state, [reply])


def _decide_now(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    if state.phase is Phase.idle and not state.slots:
        return _decide(state, text, found, tools)
    if state.phase is Phase.recommended:
        return [Reply(kind=ReplyKind.info, text=texts.AFTER_RECOMMENDATION)]
    return recommend(state, tools.decide(state.decision_input()))


def _decide(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    has_slots = bool(found.slots) or found.examples_per_category is not None
    if state.phase is Phase.recommended and not has_slots:
        replies = recommend(state, tools.decide(state.decision_input()), changes=[])
        replies[0].text += "\n\n" + texts.NEW_DECISION
        return replies
    if state.phase is Phase.idle and not has_slots:
        remember_hints(state, found)  # "we have 500": offered when its question comes
        return advance(state, tools, lead=texts.START)
    return _answer(state, text, found, tools)


def _question(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    return _with_reask(state, tools.answer(text), brief=True)


def _case_question(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    """A general question that hints at the team's own case: the answer, then the offer."""
    return [*tools.answer(text), Reply(kind=ReplyKind.info, text=texts.OFFER_DECISION)]


def _answer(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    pending = state.pending
    if not found.slots and found.examples_per_category is None:
        if state.phase is Phase.recommended:
            return [Reply(kind=ReplyKind.info, text=texts.AFTER_RECOMMENDATION)]
        if pending is None:
            return advance(state, tools)
        label = sl.LABELS[pending]
        return [
            ask(
                state,
                pending,
                texts.NOT_UNDERSTOOD.format(label=label) + " " + sl.QUESTIONS[pending],
                ReplyKind.error,
            )
        ]
    old_slots = dict(state.slots)
    errors = apply(state, found)
    if errors:
        return [rejected(state, errors)]
    if state.phase is Phase.recommended:
        return _rerun(state, old_slots, tools)
    return advance(state, tools, lead=_got_it(state, old_slots, found))


def _got_it(state: DialogueState, old_slots: dict[str, Any], found: Extraction) -> str:
    """'Got it: failure cause terminology (from 'vendor jargon').': what, and from which words."""
    new = {s: v for s, v in state.slots.items() if old_slots.get(s) != v}
    if not new:
        return ""
    words = [
        f"'{_short(found.evidence(s))}'"
        for s in new
        if s in found.spans and found.evidence(s).strip() != found.text.strip()
    ]
    source = f" (from {', '.join(dict.fromkeys(words))})" if words else ""
    return f"Got it: {sl.summary(new)}{source}."


def _short(words: str, limit: int = 60) -> str:
    words = " ".join(words.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _rerun(state: DialogueState, old_slots: dict[str, Any], tools: Tools) -> list[Reply]:
    """A correction after a recommendation: re-run the engine and say what changed."""
    changed = ", ".join(
        f"{sl.LABELS[s]} {sl.show(s, old_slots.get(s))} → {sl.show(s, v)}"
        for s, v in state.slots.items()
        if old_slots.get(s) != v
    )
    replies = recommend(state, tools.decide(state.decision_input()))
    if changed:
        replies[0].text = f"Updated: {changed}. {replies[0].text}"
    return replies


def _what_if(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    """A hypothetical: the recommendation with some slots changed; the dialogue goes on."""
    return _with_reask(state, what_if(state, found.slots, tools), brief=True)


def what_if(state: DialogueState, changes: dict[str, Any], tools: Tools) -> list[Reply]:
    """Re-run the engine with some slots changed, without changing the conversation's slots."""
    problems = [p for s, v in changes.items() if (p := sl.check(s, v))]
    if problems:
        return [Reply(kind=ReplyKind.error, text=" ".join(problems))]
    if not changes:
        return [Reply(kind=ReplyKind.info, text=texts.WHAT_IF_NOTHING)]
    hypothetical = DialogueState(slots={**state.slots, **changes})
    base = state.last_recommendation or tools.decide(state.decision_input())
    new = tools.decide(hypothetical.decision_input())
    sentence, diff = compare(base, new)
    # Channels show it compact (what moved, and moves.DETAILS_HINT); "details" re-runs it.
    state.last_what_if = {"changes": dict(changes), "over": dict(state.slots)}
    text = f"With {_described(state, changes)}, {sentence} {new.headline}"
    return [
        Reply(
            kind=ReplyKind.what_if,
            text=text,
            recommendation=new,
            slots=hypothetical.decision_input(),
            citations=new.citations,
            changes=diff,
        )
    ]


def _described(state: DialogueState, changes: dict[str, Any]) -> str:
    """'labeled examples 1,000 instead of 300, task classification'."""
    return ", ".join(
        f"{sl.LABELS[s]} {sl.show(s, v)}"
        + (f" instead of {sl.show(s, state.slots[s])}" if s in state.slots else "")
        for s, v in changes.items()
    )


NO_DETAILS = "There's no recommendation to show in full yet."


def _details(state: DialogueState, text: str, found: Extraction, tools: Tools) -> list[Reply]:
    return _with_reask(state, details(state, tools), brief=True)


def details(state: DialogueState, tools: Tools) -> list[Reply]:
    """The full card of the last what-if (re-run, pure), else of the last recommendation."""
    what_if = state.last_what_if
    if what_if is not None and what_if.get("over") == state.slots:
        changes = what_if.get("changes") or {}
        hypothetical = DialogueState(slots={**state.slots, **changes})
        rec = tools.decide(hypothetical.decision_input())
        text = (
            f"**The full recommendation with {_described(state, changes)}** "
            "(a what-if: your answers are unchanged)."
        )
        slots = hypothetical.decision_input()
    elif state.last_recommendation is not None:
        rec, text = state.last_recommendation, "**Your recommendation in full.**"
        slots = state.decision_input()
    else:
        return [Reply(kind=ReplyKind.info, text=NO_DETAILS)]
    return [
        Reply(
            kind=ReplyKind.info,
            text=text,
            recommendation=rec,
            slots=slots,
            citations=rec.citations,
        )
    ]


def _with_reask(state: DialogueState, replies: list[Reply], brief: bool = False) -> list[Reply]:
    """Add the open question again, so a detour never loses the dialogue."""
    if state.phase is not Phase.collecting or state.pending is None:
        return replies
    slot = state.pending
    lead = "Back to your decision: " if brief else ""
    return [*replies, ask(state, slot, lead + sl.QUESTIONS[slot])]


def _action(state: DialogueState, inbound: Inbound, tools: Tools) -> list[Reply]:
    action, slot, value = inbound.action, inbound.slot or state.pending, inbound.value
    if action in ("skip", "dont_know") or (action == "slot" and value in (sl.SKIP, sl.DONT_KNOW)):
        return skip_slot(state, slot, dont_know=sl.DONT_KNOW in (action, value), tools=tools)
    if action == "slot" and slot in sl.LABELS and value is not None:
        found = Extraction(
            text=value, slots={slot: sl.parse(slot, value)}, spans={slot: (0, len(value))}
        )
        return _answer(state, value, found, tools)
    if action == "what_if" and slot in sl.LABELS and value is not None:
        return what_if(state, {slot: sl.parse(slot, value)}, tools)
    if action == "details":
        return _details(state, inbound.text, extract(""), tools)
    named = {
        "start_over": Intent.reset,
        "reset": Intent.reset,
        "help": Intent.help,
        "decide": Intent.decide_now,
    }
    if action in named:
        return _HANDLERS[named[action]](state, inbound.text, extract(""), tools)
    if inbound.text.strip():
        return _text(state, inbound.text[:MAX_TEXT], tools)
    return [
        Reply(
            kind=ReplyKind.error,
            text="Sorry, I don't know that button. Say **help** to see what I can do.",
        )
    ]


_HANDLERS: dict[Intent, Handler] = {
    Intent.empty: _empty,
    Intent.greeting: _greeting,
    Intent.thanks: _thanks,
    Intent.help: _help,
    Intent.reset: _reset,
    Intent.skip: _skip,
    Intent.dont_know: _dont_know,
    Intent.status: _status,
    Intent.decide_now: _decide_now,
    Intent.decide: _decide,
    Intent.what_if: _what_if,
    Intent.details: _details,
    Intent.question: _question,
    Intent.case_question: _case_question,
    Intent.answer: _answer,
}
