"""Routing eval: does a first message reach the answer or the decision dialogue?

Each labelled message (`{"id", "text", "label": "question"|"decide", "offer": bool}`)
is routed as the first message of a conversation, the way the dialogue routes it.
"Routing right" is the label; the offer line (answer, then "want me to check your
case?") is scored on the questions. The `dev` split is for tuning; `test` is frozen,
so only its figures are shown, never its messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.meaning import Reader, read_meaning, states_slots
from bot.core.router import Intent, route

EVAL_DIR = Path(__file__).parent / "eval"
SPLITS = {"dev": EVAL_DIR / "routing-dev.jsonl", "test": EVAL_DIR / "routing-test.jsonl"}
TARGET = 0.95
_DIALOGUE = {Intent.decide, Intent.decide_now, Intent.answer, Intent.what_if}


@dataclass(frozen=True)
class RoutingCase:
    """One labelled message."""

    id: str
    text: str
    label: str  # "question" or "decide"
    offer: bool = False


@dataclass(frozen=True)
class Routed:
    """Where a message went: 'question' (answered, maybe with the offer line) or 'decide'."""

    label: str
    offer: bool


@dataclass
class RoutingScore:
    """How many messages were routed right, and the offer line on questions."""

    cases: int = 0
    right: int = 0
    questions: int = 0  # labelled question and routed to the answer
    offer_right: int = 0
    misses: list[tuple[RoutingCase, Routed]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of messages routed to the right place."""
        return self.right / self.cases if self.cases else 0.0

    @property
    def offer_accuracy(self) -> float:
        """Share of answered questions whose offer line is right (there, or rightly absent)."""
        return self.offer_right / self.questions if self.questions else 0.0


def route_first_message(text: str, read: Reader = read_meaning) -> Routed:
    """Where `text` goes as the first message of a conversation."""
    intent = route(
        text, in_dialogue=False, recommended=False, has_slots=states_slots(text), read=read
    )
    if intent in (Intent.question, Intent.case_question):
        return Routed("question", offer=intent is Intent.case_question)
    # Anything else (a greeting, help) is answered too: it does not start the dialogue.
    return Routed("decide" if intent in _DIALOGUE else "question", offer=False)


def read_cases(lines: Iterable[str]) -> list[RoutingCase]:
    """Cases from JSON lines; blank and # lines are skipped."""
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        data = json.loads(line)
        if data.get("label") not in ("question", "decide") or not data.get("text"):
            raise ValueError(f"line {number}: expected text and label question|decide")
        cases.append(
            RoutingCase(
                str(data.get("id", number)), data["text"], data["label"], bool(data.get("offer"))
            )
        )
    return cases


def score(cases: Iterable[RoutingCase], read: Reader = read_meaning) -> RoutingScore:
    """Route every case and count what went where it should."""
    result = RoutingScore()
    for case in cases:
        routed = route_first_message(case.text, read)
        result.cases += 1
        right = routed.label == case.label
        result.right += right
        if right and case.label == "question":
            result.questions += 1
            result.offer_right += routed.offer == case.offer
        if not right or (case.label == "question" and routed.offer != case.offer):
            result.misses.append((case, routed))
    return result


def score_split(split: str) -> RoutingScore | None:
    """The score on one split, or None when its file does not exist yet."""
    path = SPLITS[split]
    if not path.exists():
        return None
    return score(read_cases(path.read_text(encoding="utf-8").splitlines()))


def report(split: str, result: RoutingScore | None) -> list[str]:
    """Lines for one split's figures; misses are listed for `dev` only (`test` stays unseen)."""
    if result is None:
        return [f"routing {split}: no file at {SPLITS[split]}"]
    lines = [
        f"routing {split}: right {result.right}/{result.cases} ({result.accuracy:.1%}, "
        f"target >= {TARGET:.0%}); offer line right on {result.offer_right}/{result.questions} "
        f"answered questions ({result.offer_accuracy:.1%})"
    ]
    if split != "dev":
        return lines
    for case, routed in result.misses:
        wanted = case.label + (" +offer" if case.offer else "")
        got = routed.label + (" +offer" if routed.offer else "")
        lines.append(f"  miss {case.id}: wanted {wanted}, got {got}: {case.text}")
    return lines
