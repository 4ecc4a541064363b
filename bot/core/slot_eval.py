"""Slot eval: how many slots the deterministic reader gets from one message.

Each labelled message (`{"id", "text", "slots": {field: value}, "pending"?: slot}`) is
read alone, with the slot the dialogue was asking for. A found value is right when it
equals the expected one (counts exactly, rates within 0.005, enums exactly).
Precision is right / found, recall is right / expected, per slot and overall.
The `dev` split is for tuning; `test` is frozen: only its figures are ever shown. With the
dev figures come the cause and task readers' cross-validated figures on their own examples.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.extract import RATE_SLOTS, extract

EVAL_DIR = Path(__file__).parent / "eval"
SPLITS = {"dev": EVAL_DIR / "slots-dev.jsonl", "test": EVAL_DIR / "slots-test.jsonl"}
TARGETS = {"recall": 0.90, "precision": 0.97}


@dataclass(frozen=True)
class SlotCase:
    """One labelled message."""

    id: str
    text: str
    slots: dict[str, Any]
    pending: str | None = None


@dataclass
class Tally:
    """Counts for one slot (or all of them)."""

    expected: int = 0
    found: int = 0
    right: int = 0

    @property
    def precision(self) -> float:
        """Right / found (1.0 when nothing was found)."""
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        """Right / expected (1.0 when nothing was expected)."""
        return self.right / self.expected if self.expected else 1.0


@dataclass
class SlotScore:
    """Per-slot tallies, the overall tally, and the cases with a wrong or missing slot."""

    per_slot: dict[str, Tally] = field(default_factory=dict)
    overall: Tally = field(default_factory=Tally)
    misses: list[tuple[SlotCase, dict[str, Any]]] = field(default_factory=list)


def same_value(slot: str, expected: Any, found: Any) -> bool:
    """Ints exactly, rates within 0.005, everything else (enums, codes) exactly."""
    found = getattr(found, "value", found)
    if slot in RATE_SLOTS or slot == "training_budget_usd":
        try:
            tolerance = 0.005 if slot in RATE_SLOTS else 0.5
            return abs(float(expected) - float(found)) <= tolerance
        except (TypeError, ValueError):
            return False
    return bool(expected == found)


def read_cases(lines: Iterable[str]) -> list[SlotCase]:
    """Cases from JSON lines; blank and # lines are skipped."""
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        data = json.loads(line)
        if not data.get("text") or not isinstance(data.get("slots"), dict):
            raise ValueError(f"line {number}: expected text and slots")
        cases.append(
            SlotCase(str(data.get("id", number)), data["text"], data["slots"], data.get("pending"))
        )
    return cases


def score(cases: Iterable[SlotCase]) -> SlotScore:
    """Read every case alone (with its pending slot) and count right, found and expected."""
    result = SlotScore()
    for case in cases:
        found = extract(case.text, case.pending).slots
        wrong = False
        for slot in set(found) | set(case.slots):
            tally = result.per_slot.setdefault(slot, Tally())
            right = slot in found and slot in case.slots
            right = right and same_value(slot, case.slots[slot], found[slot])
            for t in (tally, result.overall):
                t.expected += slot in case.slots
                t.found += slot in found
                t.right += right
            wrong = wrong or not right
        if wrong:
            result.misses.append((case, found))
    return result


def score_split(split: str) -> SlotScore | None:
    """The score on one split, or None when its file does not exist yet."""
    path = SPLITS[split]
    if not path.exists():
        return None
    return score(read_cases(path.read_text(encoding="utf-8").splitlines()))


def cross_validation_lines() -> list[str]:
    """How the cause and task readers do on their own examples when each is held out
    (k folds): an honest check of the training data that no eval message enters."""
    from bot.core.classify import cross_validate

    return ["  " + cross_validate(slot).line() for slot in ("failure_cause", "task")]


def report(split: str, result: SlotScore | None) -> list[str]:
    """Lines of figures for one split; misses are listed for `dev` only (`test` stays unseen)."""
    if result is None:
        return [f"slots {split}: no file at {SPLITS[split]}"]
    o = result.overall
    lines = [
        f"slots {split}: precision {o.precision:.1%} ({o.right}/{o.found}, target >= "
        f"{TARGETS['precision']:.0%}), recall {o.recall:.1%} ({o.right}/{o.expected}, "
        f"target >= {TARGETS['recall']:.0%})"
    ]
    for slot, t in sorted(result.per_slot.items()):
        lines.append(
            f"  {slot:<26} precision {t.precision:6.1%} ({t.right}/{t.found})"
            f"  recall {t.recall:6.1%} ({t.right}/{t.expected})"
        )
    if split != "dev":
        return lines
    lines.append("  cause and task readers, each training example held out in turn:")
    lines.extend(cross_validation_lines())
    for case, found in result.misses:
        got = {s: getattr(v, "value", v) for s, v in found.items()}
        lines.append(
            f"  miss {case.id} [{case.pending}]: {case.text}\n    want {case.slots}\n    got  {got}"
        )
    return lines
