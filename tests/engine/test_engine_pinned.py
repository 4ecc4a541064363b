"""The engine's whole output, pinned for 300 varied inputs: a speed-up must not change a word.

`pinned_decisions.json` holds, for each input, the approach, the headline and a SHA-256 of
the complete `Recommendation` JSON (rules, steps, missing slots, what would change, costs).
It was written by the engine before its sensitivity search and run costs were made cheaper.
A change of behaviour that is meant (a new rule, new wording) rewrites the file on purpose:

    .venv/bin/python tests/engine/test_engine_pinned.py --update
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.engine import DecisionInput, FailureCause, Task, decide

PINNED = Path(__file__).with_name("pinned_decisions.json")
COUNT = 300
SEED = 20261129

# Budgets on both sides of one run under each price table: the guide's $2,000, and GPT-4o's
# few dollars to a few hundred (examples x tokens x 3 epochs x $25 per 1M).
BUDGETS = (0.0, 5.0, 20.0, 45.0, 150.0, 400.0, 1999.0, 2000.0, 5000.0)


def varied_slots(count: int = COUNT, seed: int = SEED) -> list[dict[str, Any]]:
    """Empty, partial and complete inputs: every approach, budgets, languages, categories."""
    rng = random.Random(seed)

    def maybe(value: Any, p: float = 0.7) -> Any:
        return value if rng.random() < p else None

    out: list[dict[str, Any]] = [{}]
    while len(out) < count:
        slots = {
            "task": maybe(rng.choice(list(Task))),
            "success_rate": maybe(round(rng.random(), 2), 0.85),
            "test_cases": maybe(rng.choice([0, 5, 9, 10, 30, 50, 200])),
            "prompt_iterations": maybe(rng.randint(0, 8)),
            "target_success_rate": rng.choice([0.8, 0.8, 0.85, 0.9, 0.95]),
            "failure_cause": maybe(rng.choice(list(FailureCause)), 0.6),
            "systematic_failure_share": maybe(round(rng.random() * 0.4, 2), 0.3),
            "labeled_examples": maybe(rng.choice([0, 20, 99, 100, 300, 500, 999, 5000])),
            "categories": maybe(rng.randint(1, 20), 0.3),
            "monthly_requests": maybe(rng.choice([0, 1_000, 50_000, 1_000_000]), 0.5),
            "tokens_per_request": maybe(rng.choice([1, 300, 1000, 4000]), 0.4),
            "horizon_months": rng.choice([1, 6, 12, 24, 36]),
            "training_budget_usd": maybe(rng.choice(BUDGETS), 0.4),
            "language": rng.choice(["en", "en", "de", "ja", "zh", "ko"]),
        }
        out.append({k: v for k, v in slots.items() if v is not None})
    return out


def digest(rec: Any) -> str:
    return hashlib.sha256(rec.model_dump_json().encode()).hexdigest()


def outputs() -> list[dict[str, Any]]:
    rows = []
    for slots in varied_slots():
        rec = decide(DecisionInput(**slots))
        rows.append(
            {
                "input": DecisionInput(**slots).model_dump(mode="json", exclude_unset=True),
                "approach": rec.approach.value,
                "headline": rec.headline,
                "sha256": digest(rec),
            }
        )
    return rows


def test_pinned_inputs_cover_every_approach_and_budget_rule() -> None:
    pinned = json.loads(PINNED.read_text())
    assert len(pinned) == COUNT
    assert {row["approach"] for row in pinned} == {
        "done", "iterate_prompt", "add_rag", "collect_data", "fine_tune", "hybrid", "rethink",
    }  # fmt: skip
    rules = {
        r.id
        for row in pinned
        if "training_budget_usd" in row["input"]
        for r in decide(DecisionInput(**row["input"])).rules
    }
    assert {"training.budget_below_every_run", "training.budget_short"} <= rules
    assert "training.budget_covers_run" in rules


@pytest.mark.parametrize("index", range(COUNT))
def test_decide_gives_the_pinned_output(index: int) -> None:
    row = json.loads(PINNED.read_text())[index]
    rec = decide(DecisionInput(**row["input"]))
    assert rec.approach.value == row["approach"]
    assert rec.headline == row["headline"]
    assert digest(rec) == row["sha256"], f"output changed for {row['input']}"


def test_the_pinned_inputs_are_the_generated_ones() -> None:
    pinned = json.loads(PINNED.read_text())
    generated = [DecisionInput(**s) for s in varied_slots()]
    dumped = [inp.model_dump(mode="json", exclude_unset=True) for inp in generated]
    assert [row["input"] for row in pinned] == dumped


if __name__ == "__main__":
    if "--update" not in sys.argv:
        sys.exit("usage: test_engine_pinned.py --update  (rewrites pinned_decisions.json)")
    lines = ",\n".join(json.dumps(row) for row in outputs())  # one input a line: readable diffs
    PINNED.write_text(f"[\n{lines}\n]\n")
    print(f"wrote {PINNED}")
