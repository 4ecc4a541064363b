"""The guide's decision rules, as data, and the tiny engine that applies them.

Precedence: decisive rules (`points_to` set) are tried in the order of `DECISIVE`; the first
whose condition holds chooses the approach (the last always holds). Every decisive rule that
holds and points to that same approach is reported, with every note (`notes.NOTES`) that
holds for that approach: scene-setting notes first, the rest after.
Reason templates are filled from `wording.words()`: always the team's own numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.budget import covers_no_run
from bot.engine.facts import (
    CEILING,
    MIN_ITERATIONS,
    MIN_TEST_CASES,
    NINETY_FAILS,
    NINETY_WORKS,
    Facts,
)
from bot.engine.models import Approach, FailureCause

Predicate = Callable[[Facts], bool]


@dataclass(frozen=True)
class Rule:
    """One statement of the guide: when it holds, what it means, and where it is written."""

    id: str
    section: str  # a bot.engine.sections.SECTIONS id
    when: Predicate
    reason: str  # a template over wording.words(); one line
    points_to: Approach | None = None  # decisive rules choose the approach
    only_for: frozenset[Approach] = frozenset()  # notes fire only with these (empty: any)
    leads: bool = False  # a note that sets the scene: reported before the decisive rules
    headline: str = ""  # a note's clause the headline must carry too (a template, like reason)


def _rate(f: Facts) -> float | None:
    """The success rate if it counts (known, from 10+ test cases or an unstated number)."""
    return f.slots.success_rate if f.rate_counts else None


def _iterations_short(f: Facts) -> bool:
    n = f.slots.prompt_iterations
    return n is None or n < MIN_ITERATIONS


def _short_of_examples(f: Facts) -> bool:
    n = f.slots.labeled_examples
    return n is None or n < f.needed_examples


DECISIVE: tuple[Rule, ...] = (
    Rule(
        id="ninety_percent.works",
        section="ninety-percent-test",
        points_to=Approach.done,
        # The 90% test wins over a higher target: under 10% failing, no systematic problem can
        # reach the 10% that fine-tuning needs, so the answer is to stop (tweak, don't train).
        when=lambda f: (r := _rate(f)) is not None and r >= NINETY_WORKS,
        reason="Your best prompt gets {rate_phrase}: by the 90% test, stop. Fewer than 10% of "
        "cases fail, too few for fine-tuning to pay.",
    ),
    Rule(
        id="flowchart.stop_at_target",
        section="flowchart",
        points_to=Approach.done,
        # The team's target (default 80%, the flowchart's 8 of 10) decides when to stop. The PDF
        # scenario's "exceeds 85%, stop" is that scenario's bar; a team sets it as its target.
        when=lambda f: (r := _rate(f)) is not None and r >= f.slots.target_success_rate,
        reason="Your best prompt gets {rate_phrase}{after_iterations}, at or above your "
        "{target} target: stop, prompt engineering is enough.",
    ),
    Rule(
        id="ninety_percent.fails",
        section="ninety-percent-test",
        points_to=Approach.rethink,
        # Before RAG: the guide says a 90% failure rate is bigger than any one remedy; the
        # rethink steps still tell the team to check for missing knowledge.
        when=lambda f: (r := _rate(f)) is not None and r <= NINETY_FAILS,
        reason="Only {rate_phrase} of cases work: when 90% fail, the problem is bigger than "
        "fine-tuning can solve alone.",
    ),
    Rule(
        id="rag.knowledge_first",
        section="rag-first",
        points_to=Approach.add_rag,
        # Needs no trustworthy rate: whatever the rate, missing knowledge is RAG's job first.
        when=lambda f: f.slots.failure_cause is FailureCause.knowledge,
        reason="The failures come from missing knowledge: retrieval (RAG) puts it into the "
        "prompt, so use RAG before fine-tuning.",
    ),
    Rule(
        id="measuring.ten_cases",
        section="measuring",
        points_to=Approach.iterate_prompt,
        # An unmeasured rate neither stops (done) nor starts training: measure first.
        when=lambda f: (
            f.slots.success_rate is not None
            and f.slots.test_cases is not None
            and f.slots.test_cases < MIN_TEST_CASES
        ),
        reason="Your {rate} comes from only {test_cases} test cases; a success rate needs 10+ "
        "cases to count.",
    ),
    Rule(
        id="flowchart.measure_first",
        section="flowchart",
        points_to=Approach.iterate_prompt,
        when=lambda f: f.slots.success_rate is None,
        reason="There is no success rate yet: test your prompt on 10 cases; if 8 of 10 "
        "succeed, you are done.",
    ),
    Rule(
        id="flowchart.keep_iterating",
        section="flowchart",
        points_to=Approach.iterate_prompt,
        # "After 3-5 prompt iterations": 3 is the earliest point fine-tuning may be considered.
        when=_iterations_short,
        reason="{iterations_so_far}; the flowchart improves the prompt 3-5 times (context, "
        "examples, constraints, output format) before fine-tuning is considered.",
    ),
    Rule(
        id="fine_tuning.random_failures",
        section="fine-tuning-when",
        points_to=Approach.iterate_prompt,
        when=lambda f: f.slots.failure_cause is FailureCause.random,
        reason="The failures look random, not systematic; fine-tuning pays only for "
        "systematic problems affecting 10%+ of cases.",
    ),
    Rule(
        id="fine_tuning.under_10_percent",
        section="fine-tuning-when",
        points_to=Approach.iterate_prompt,
        when=lambda f: f.systematic is False and f.slots.failure_cause is not FailureCause.random,
        reason="Only {share} of cases fail in one systematic way, under the 10% that "
        "justifies fine-tuning.",
    ),
    Rule(
        id="fine_tuning.cause_unknown",
        section="fine-tuning-when",
        points_to=Approach.iterate_prompt,
        # "Only when prompting fails on systematic problems": unproven means not yet.
        when=lambda f: f.systematic is None,
        reason="You haven't said why the failures happen; fine-tuning pays only for systematic "
        "problems (format, terminology, style, reasoning) affecting 10%+ of cases.",
    ),
    Rule(
        id="training.budget_below_every_run",
        section="cost-structure",
        points_to=Approach.iterate_prompt,
        # Everything else says fine-tune (or collect data to), but no price table puts even one
        # run within the stated budget: a recommendation the team cannot pay for is no answer.
        # Before the data rules: collecting data for a run nobody can pay for comes second.
        when=covers_no_run,
        reason="Your training budget of {budget} is below one training run under every price "
        "table Advisor uses: on {examples_priced} a run costs {run_costs}. Fine-tuning fits "
        "the problem but not the budget.",
    ),
    Rule(
        id="data.per_category_minimum",
        section="mistake-small-datasets",
        points_to=Approach.collect_data,
        when=lambda f: f.per_category and _short_of_examples(f),
        reason="A classifier with {categories} categories needs at least 100 labeled examples "
        "per category ({needed}); {you_have}.",
    ),
    Rule(
        id="data.minimum_100",
        section="quick-facts",
        points_to=Approach.collect_data,
        when=lambda f: not f.per_category and _short_of_examples(f),
        reason="Fine-tuning needs at least 100 labeled examples (ideally 500+); {you_have}.",
    ),
    Rule(
        id="combining.ceiling",
        section="combining",
        points_to=Approach.hybrid,
        # From 80% (the 80-85% ceiling) up to a higher target: fine-tune the systematic slice
        # on top of the prompt rather than replacing it.
        when=lambda f: (r := _rate(f)) is not None and r >= CEILING,
        reason="Prompting has reached {rate}, at the ceiling (around 80-85%) where the guide adds "
        "fine-tuning on top, short of your {target} target: fine-tune on the {share} of cases "
        "that fail systematically, keep prompting for the rest.",
    ),
    Rule(
        id="flowchart.consider_fine_tuning",
        section="flowchart",
        points_to=Approach.fine_tune,
        # Reached only below the 80% ceiling, so the best prompt fails more than 20% of cases:
        # the mistakes section's "only fine-tune if the best prompt still fails 20%+".
        when=lambda f: True,
        reason="Your best prompt gets {rate_phrase}{after_iterations}, below the {target} "
        "target: after 3-5 iterations the flowchart says consider fine-tuning.",
    ),
)


def choose_rule(f: Facts) -> Rule:
    """The first decisive rule that holds: it chooses the approach."""
    for rule in DECISIVE:  # a plain loop: the sensitivity search calls this dozens of times
        if rule.when(f):
            return rule
    raise AssertionError("the last decisive rule always holds")


def choose(f: Facts) -> Approach:
    """The approach the guide's rules give for these facts."""
    return choose_rule(f).points_to or Approach.iterate_prompt


def fired(f: Facts, approach: Approach, notes: tuple[Rule, ...]) -> list[Rule]:
    """The rules behind `approach`: leading notes, decisive rules pointing to it, other notes."""
    decisive = [r for r in DECISIVE if r.points_to is approach and r.when(f)]
    extra = [r for r in notes if (not r.only_for or approach in r.only_for) and r.when(f)]
    return [r for r in extra if r.leads] + decisive + [r for r in extra if not r.leads]
