"""The form logic of the decision dialogue: apply slots, pick the next question, recommend.

Like a Rasa form: every slot a message states is applied (a correction overwrites), an
invalid value is rejected with an explanation and asked again, and the next question is
the engine's most valuable missing slot, one at a time, until enough is known.
"""

from __future__ import annotations

from typing import Any

from bot.core import slots as sl
from bot.core import texts
from bot.core.extract import Extraction
from bot.core.messages import Reply, ReplyKind
from bot.core.moves import moves
from bot.core.state import DialogueState, Phase, Tools
from bot.engine.models import Recommendation

# Cost slots sharpen the cost table but never the approach: shown as missing, not asked.
_NOT_ASKED = ("monthly_requests", "tokens_per_request", "training_budget_usd", "horizon_months")


def remember_hints(state: DialogueState, found: Extraction) -> None:
    """Keep what a message hinted but did not state: offered first when that slot is asked."""
    state.hints.update(found.likely)
    if found.loose:
        state.hints["count"] = found.loose[0]


def hint_for(state: DialogueState, slot: str) -> Any:
    """The likely answer to offer first for a slot, if any."""
    if slot in sl.COUNT_SLOTS:
        return state.hints.get("count")
    return state.hints.get(slot)


def apply(state: DialogueState, found: Extraction) -> list[tuple[str, str]]:
    """Apply what a message stated; returns (slot, why not) for each rejected value."""
    remember_hints(state, found)
    updates = dict(found.slots)
    if any(slot in sl.COUNT_SLOTS for slot in updates) and not found.loose:
        state.hints.pop("count", None)  # a count question was answered: the offer is spent
    if found.examples_per_category is not None and "labeled_examples" not in updates:
        state.examples_per_category = found.examples_per_category
    elif "labeled_examples" in updates:
        state.examples_per_category = None
    categories = updates.get("categories", state.slots.get("categories"))
    if state.examples_per_category is not None and isinstance(categories, int) and categories > 0:
        updates["labeled_examples"] = state.examples_per_category * categories
    return set_slots(state, updates)


def set_slots(state: DialogueState, updates: dict[str, Any]) -> list[tuple[str, str]]:
    """Set valid values (overwriting), keep the rest of the state; returns the rejections."""
    errors = []
    for slot, value in updates.items():
        problem = sl.check(slot, value)
        if problem:
            errors.append((slot, problem))
            continue
        state.slots[slot] = value
        if slot in state.skipped:
            state.skipped.remove(slot)
    return errors


def advance(state: DialogueState, tools: Tools, lead: str = "") -> list[Reply]:
    """Ask for the next most valuable slot, or recommend when enough is known."""
    state.phase, state.pending = Phase.collecting, None
    rec = tools.decide(state.decision_input())
    nxt = _next_slot(state, rec)
    if nxt is None:
        return recommend(state, rec)
    slot, why = nxt
    state.pending = slot
    if slot not in state.asked:
        state.asked.append(slot)
    text = sl.QUESTIONS[slot] + (f"\n\n_{why}_" if why else "")
    return [ask(state, slot, f"{lead}\n\n{text}" if lead else text)]


def ask(state: DialogueState, slot: str, text: str, kind: ReplyKind = ReplyKind.question) -> Reply:
    """A question (or a re-ask after an error) for one slot, with its quick replies."""
    return Reply(
        kind=kind,
        text=text,
        slot=slot,
        choices=sl.choices(slot, hint_for(state, slot)),
        slots=state.decision_input(),
    )


def rejected(state: DialogueState, errors: list[tuple[str, str]]) -> Reply:
    """Explain every rejected value and ask again for the first; other slots are kept."""
    why = " ".join(problem for _, problem in errors)
    known = [slot for slot, _ in errors if slot in sl.QUESTIONS]
    if not known:
        return Reply(kind=ReplyKind.error, text=why, slots=state.decision_input())
    state.pending = known[0]
    if state.phase is Phase.idle:
        state.phase = Phase.collecting
    return ask(state, known[0], f"{why}\n\n{sl.QUESTIONS[known[0]]}", ReplyKind.error)


def _next_slot(state: DialogueState, rec: Recommendation) -> tuple[str, str] | None:
    """The engine's most valuable open slot, unless enough is known already."""
    if len(state.asked) >= sl.MAX_QUESTIONS:
        return None
    open_slots = [
        m for m in rec.missing if m.slot not in state.slots and m.slot not in state.skipped
    ]
    if not open_slots:
        return None
    slot, why = open_slots[0].slot, open_slots[0].why
    if slot == "labeled_examples" and state.examples_per_category is not None:
        slot, why = "categories", ""
    # The engine lists only slots that could change the approach (plus cost slots).
    if slot in sl.QUESTIONS and slot not in _NOT_ASKED:
        return slot, why
    return None


def recommend(
    state: DialogueState, rec: Recommendation, changes: list[str] | None = None
) -> list[Reply]:
    """Show what was understood and the recommendation; the dialogue moves to what-ifs."""
    previous = state.last_recommendation
    state.phase, state.pending, state.last_recommendation = Phase.recommended, None, rec
    text = texts.recommendation_text(rec, sl.summary(state.slots))
    if changes is None and previous is not None:
        sentence, changes = compare(previous, rec)
        text = f"{sentence[0].upper()}{sentence[1:]}\n\n{text}"
    if state.skipped:
        skipped = ", ".join(sl.LABELS.get(s, s) for s in state.skipped)
        text += f"\n\n_Skipped: {skipped}. Tell me if you find out; it may sharpen the answer._"
    return [
        Reply(
            kind=ReplyKind.recommendation,
            text=text,
            recommendation=rec,
            slots=state.decision_input(),
            citations=rec.citations,
            changes=changes or [],
        )
    ]


def compare(old: Recommendation, new: Recommendation) -> tuple[str, list[str]]:
    """What changed between two recommendations: a clause ('the recommendation stays …')
    and what moved, one line each, in words (approach, reasons, cost per price table)."""
    changes = moves(old, new)
    if old.approach != new.approach:
        sentence = (
            f"the recommendation changes from **{texts.approach_name(old.approach)}** "
            f"to **{texts.approach_name(new.approach)}**."
        )
    else:
        sentence = f"the recommendation stays **{texts.approach_name(new.approach)}**."
    return sentence, changes
