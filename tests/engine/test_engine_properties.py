"""Invariants of the engine over many inputs (hypothesis)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import Approach, DecisionInput, FailureCause, Task, decide
from bot.engine.costs import compare
from bot.engine.notes import NOTES
from bot.engine.rules import DECISIVE
from bot.engine.sections import SECTIONS

# How far toward training an approach goes. `rethink` is furthest: the problem is bigger than
# training can solve. "Raising the success rate never moves toward fine-tuning" means this
# number never grows when only the success rate rises.
TOWARD_TRAINING = {
    Approach.done: 0,
    Approach.iterate_prompt: 1,
    Approach.add_rag: 2,
    Approach.collect_data: 3,
    Approach.hybrid: 4,
    Approach.fine_tune: 5,
    Approach.rethink: 6,
}
TRAINING = {Approach.collect_data, Approach.fine_tune, Approach.hybrid}
FAST = settings(max_examples=150, deadline=None)

shares = st.floats(min_value=0, max_value=1, allow_nan=False)
counts = st.integers(min_value=0, max_value=20_000)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


slot_values = st.fixed_dictionaries(
    {
        "task": maybe(st.sampled_from(Task)),
        "success_rate": maybe(shares),
        "test_cases": maybe(st.integers(0, 200)),
        "prompt_iterations": maybe(st.integers(0, 12)),
        "target_success_rate": st.floats(min_value=0.05, max_value=1),
        "failure_cause": maybe(st.sampled_from(FailureCause)),
        "systematic_failure_share": maybe(shares),
        "labeled_examples": maybe(counts),
        "categories": maybe(st.integers(1, 60)),
        "monthly_requests": maybe(st.integers(0, 10_000_000)),
        "tokens_per_request": maybe(st.integers(1, 50_000)),
        "horizon_months": st.integers(1, 120),
        "training_budget_usd": maybe(st.floats(min_value=0, max_value=1e6)),
        "language": st.sampled_from(["en", "de", "ja", "zh", "ko", "pt"]),
    }
)


@FAST
@given(slot_values)
def test_the_same_input_always_gives_the_same_answer(slots: dict[str, Any]) -> None:
    first = decide(DecisionInput(**slots)).model_dump_json()
    assert decide(DecisionInput(**slots)).model_dump_json() == first


@FAST
@given(slot_values)
def test_at_or_above_the_target_never_recommends_training(slots: dict[str, Any]) -> None:
    slots["success_rate"] = slots["target_success_rate"]
    assert decide(DecisionInput(**slots)).approach not in TRAINING


@FAST
@given(slot_values, st.integers(0, 99))
def test_under_100_examples_never_recommends_fine_tuning(slots: dict[str, Any], n: int) -> None:
    slots["labeled_examples"] = n
    assert decide(DecisionInput(**slots)).approach not in {Approach.fine_tune, Approach.hybrid}


@FAST
@given(slot_values)
def test_a_knowledge_failure_never_recommends_fine_tuning_first(slots: dict[str, Any]) -> None:
    slots["failure_cause"] = FailureCause.knowledge
    assert decide(DecisionInput(**slots)).approach not in TRAINING


@FAST
@given(slot_values, shares, shares)
def test_raising_the_success_rate_never_moves_toward_fine_tuning(
    slots: dict[str, Any], a: float, b: float
) -> None:
    low, high = sorted((a, b))
    before = decide(DecisionInput(**(slots | {"success_rate": low}))).approach
    after = decide(DecisionInput(**(slots | {"success_rate": high}))).approach
    assert TOWARD_TRAINING[after] <= TOWARD_TRAINING[before], (low, before, high, after)


@FAST
@given(
    st.integers(0, 5_000_000),
    st.integers(0, 5_000_000),
    maybe(st.integers(1, 50_000)),
    st.integers(1, 120),
    maybe(counts),
)
def test_costs_are_never_negative_and_grow_with_volume(
    m1: int, m2: int, tokens: int | None, horizon: int, examples: int | None
) -> None:
    low, high = sorted((m1, m2))
    smaller = compare(low, tokens, horizon, examples, 100)
    larger = compare(high, tokens, horizon, examples, 100)
    for small, big in zip(smaller.estimates, larger.estimates, strict=True):
        assert small.prompting_total_usd <= big.prompting_total_usd
        assert small.fine_tuning_total_usd <= big.fine_tuning_total_usd
        for point in small.timeline + big.timeline:
            assert point.prompting_usd >= 0 and point.fine_tuning_usd >= 0


@FAST
@given(slot_values)
def test_what_would_change_is_true_at_the_value_it_names(slots: dict[str, Any]) -> None:
    rec = decide(DecisionInput(**slots))
    for change in rec.what_would_change:
        changed = decide(DecisionInput(**(slots | {change.slot: change.value})))
        assert changed.approach is change.approach, change
        assert change.approach is not rec.approach


@FAST
@given(slot_values)
def test_missing_lists_only_unknown_slots_once_each(slots: dict[str, Any]) -> None:
    rec = decide(DecisionInput(**slots))
    asked = [m.slot for m in rec.missing]
    assert len(asked) == len(set(asked))
    assert all(slots.get(slot) is None for slot in asked)


@FAST
@given(slot_values)
def test_every_cited_section_exists_and_citations_are_deduplicated(slots: dict[str, Any]) -> None:
    rec = decide(DecisionInput(**slots))
    cited = [c.section for c in rec.citations]
    assert len(cited) == len(set(cited))
    assert {rule.section for rule in rec.rules} == set(cited)
    assert all(section in SECTIONS for section in cited)


def test_every_rule_cites_a_known_section_and_has_a_unique_id() -> None:
    rules = DECISIVE + NOTES
    assert all(rule.section in SECTIONS for rule in rules)
    assert len({rule.id for rule in rules}) == len(rules)


def test_cost_appears_only_once_monthly_requests_are_known() -> None:
    assert decide(DecisionInput(success_rate=0.5)).cost is None
    assert decide(DecisionInput(success_rate=0.5, monthly_requests=1000)).cost is not None


OPS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
}


@FAST
@given(slot_values)
def test_what_would_change_names_a_condition_the_current_value_does_not_meet(
    slots: dict[str, Any],
) -> None:
    rec = decide(DecisionInput(**slots))
    for change in rec.what_would_change:
        slot, op, threshold = change.condition.split(" ")
        current = getattr(rec.input, slot)
        if op == "==":
            assert change.value == threshold != current
            continue
        assert OPS[op](change.value, float(threshold)), change
        assert not OPS[op](current, float(threshold)), change


def test_the_engine_imports_nothing_but_the_standard_library_and_pydantic() -> None:
    code = (
        "import sys, bot.engine; "
        "top = {m.split('.')[0] for m in sys.modules}; "
        "print(' '.join(sorted(top - set(sys.stdlib_module_names))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    heavy = {
        "rich",
        "langchain",
        "langchain_core",
        "chromadb",
        "slack_sdk",
        "slack_bolt",
        "sqlalchemy",
    }
    assert not heavy & set(loaded.stdout.split())
    assert "pydantic" in loaded.stdout.split()
