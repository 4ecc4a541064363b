"""Decision records, pure: triggers from the engine's "what would change it", and checking them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planning_case import PLANNING

from bot.core.records import (
    ThreadRecord,
    Trigger,
    build_record,
    changed_inputs,
    fired,
    restored_state,
    revisit_line,
    triggers_of,
)
from bot.core.state import DialogueState, Phase
from bot.engine import DecisionInput, FailureCause, Task, decide
from bot.engine.models import Approach

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def record_of(inputs: DecisionInput, stated_by: dict[str, str] | None = None) -> ThreadRecord:
    return build_record(
        decide(inputs),
        workspace="T1",
        channel="C1",
        thread_ts="1.1",
        source_ts="1.2",
        saved_by="URAJ",
        asked_by="UANA",
        stated_by=stated_by or {},
        now=NOW,
    )


def test_triggers_say_in_words_what_would_change_the_recommendation() -> None:
    texts = [t.text for t in triggers_of(decide(PLANNING))]

    assert "the success rate reaches 80%" in texts
    assert "labeled examples reach 1,000" in texts
    assert "the failure cause is knowledge" in texts
    assert "prompt iterations fall below 3" in texts
    assert "categories fall to 3 or below" in texts


def test_the_revisit_line_puts_progress_first_and_counts_the_rest() -> None:
    line = revisit_line(triggers_of(decide(PLANNING)))

    assert line.startswith(
        "Revisit if the success rate reaches 80%, labeled examples reach 1,000, "
        "the failure cause is knowledge or "
    )
    assert line.endswith("(and 4 more).")
    assert revisit_line([]).startswith("No revisit trigger")


@pytest.mark.parametrize(
    ("change", "fires"),
    [
        pytest.param({"success_rate": 0.81}, ["the success rate reaches 80%"], id="rate-81"),
        pytest.param({"success_rate": 0.8}, ["the success rate reaches 80%"], id="rate-at-80"),
        pytest.param({"success_rate": 0.79}, [], id="rate-79-short"),
        pytest.param({"labeled_examples": 1200}, ["labeled examples reach 1,000"], id="1200"),
        pytest.param({"failure_cause": "knowledge"}, ["the failure cause is knowledge"], id="kn"),
        pytest.param({"success_rate": None}, [], id="rate-unknown-now"),
    ],
)
def test_new_numbers_fire_the_trigger_they_cross(change: dict[str, Any], fires: list[str]) -> None:
    record = record_of(PLANNING)
    new = PLANNING.model_copy(update=change)

    assert [t.text for t in fired(record, new)] == fires


def test_inputs_name_who_stated_them_and_which_are_defaults() -> None:
    record = record_of(PLANNING, {"success_rate": "UANA", "failure_cause": "URAJ"})
    sources = {s.slot: (s.shown, s.source, s.by) for s in record.sources}

    assert sources["success_rate"] == ("62%", "stated", "UANA")
    assert sources["failure_cause"] == ("format", "stated", "URAJ")
    assert sources["test_cases"] == ("50", "stated", None)
    assert sources["target_success_rate"] == ("80%", "default", None)
    assert sources["horizon_months"] == ("12 months", "default", None)
    assert "language" not in sources  # a default that decides nothing is left out


def test_the_record_keeps_the_recommendation_rules_and_cost() -> None:
    record = record_of(PLANNING)

    assert record.approach is Approach.collect_data
    assert "data.per_category_minimum" in [r.id for r in record.rules]
    assert record.cost_line is not None
    assert record.cost_line.startswith("12 months at 50,000 requests/month: prompting $15,000")
    assert record_of(DecisionInput(success_rate=0.5)).cost_line is None


def test_changed_inputs_read_old_to_new() -> None:
    record = record_of(PLANNING)
    new = PLANNING.model_copy(update={"success_rate": 0.81, "labeled_examples": 1200})

    assert changed_inputs(record, new) == [
        "success rate 62% → 81%",
        "labeled examples 300 → 1,200",
    ]


def test_a_restored_state_resumes_after_the_recommendation() -> None:
    state = DialogueState.from_json(restored_state(record_of(PLANNING)))

    assert state.phase is Phase.recommended
    assert state.decision_input() == PLANNING


slot_values = st.fixed_dictionaries(
    {
        "task": st.none() | st.sampled_from(Task),
        "success_rate": st.none() | st.floats(0, 1),
        "test_cases": st.none() | st.integers(0, 500),
        "prompt_iterations": st.none() | st.integers(0, 12),
        "failure_cause": st.none() | st.sampled_from(FailureCause),
        "systematic_failure_share": st.none() | st.floats(0, 1),
        "labeled_examples": st.none() | st.integers(0, 20_000),
        "categories": st.none() | st.integers(1, 60),
    }
)


@settings(max_examples=80, deadline=None)
@given(slot_values)
def test_every_trigger_holds_at_the_value_the_engine_tried(values: dict[str, Any]) -> None:
    """A trigger is met exactly where the engine says the approach changes."""
    inputs = DecisionInput(**values)
    rec = decide(inputs)
    triggers = {t.slot + t.op: t for t in triggers_of(rec)}
    for change in rec.what_would_change:
        slot, op, _ = change.condition.split()
        trigger: Trigger = triggers[slot + op]
        moved = DecisionInput.model_validate({**inputs.model_dump(), slot: change.value})
        assert trigger.met_by(moved), change.condition
        assert not trigger.met_by(inputs), change.condition
        assert decide(moved).approach == trigger.becomes
