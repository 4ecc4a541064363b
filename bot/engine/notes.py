"""Notes: rules that explain, warn or cite without choosing the approach.

Each note fires when its condition holds and the chosen approach is in `only_for`
(empty: any approach). They are reported in this order, after the decisive rules.
"""

from __future__ import annotations

from bot.engine.budget import covers_every_run, covers_some_runs
from bot.engine.facts import CJK_LANGUAGES, CONFIRM_TEST_CASES, Facts
from bot.engine.models import Approach, FailureCause, Task
from bot.engine.rules import Rule

A = Approach
TRAINING = frozenset({A.collect_data, A.fine_tune, A.hybrid})
TUNING = frozenset({A.fine_tune, A.hybrid})
STILL_WORKING = frozenset({A.iterate_prompt, A.add_rag, A.collect_data, A.fine_tune, A.hybrid})


def _below_target(f: Facts) -> bool:
    rate = f.slots.success_rate
    return f.rate_counts and rate is not None and rate < f.slots.target_success_rate


def _reasoning(f: Facts) -> bool:
    return f.slots.task is Task.reasoning or f.slots.failure_cause is FailureCause.reasoning


def _few_cases(f: Facts) -> bool:
    return f.slots.test_cases is None or f.slots.test_cases < CONFIRM_TEST_CASES


def _below_ideal(f: Facts) -> bool:
    n = f.slots.labeled_examples
    return n is not None and n < f.ideal_examples


def _other_language(f: Facts) -> bool:
    return f.slots.language != "en" and f.slots.language not in CJK_LANGUAGES


NOTES: tuple[Rule, ...] = (
    Rule(
        id="flowchart.below_target",
        section="flowchart",
        only_for=frozenset({A.iterate_prompt, A.add_rag, A.collect_data}),
        when=_below_target,
        leads=True,
        reason="Your best prompt gets {rate_phrase}{after_iterations}, below the {target} target.",
    ),
    Rule(
        id="mistakes.fails_20_percent",
        section="mistake-skipping-prompts",
        only_for=frozenset({A.fine_tune}),
        when=_below_target,
        reason="Your best prompt still fails {fail_rate} of cases, more than the 20% the guide "
        "requires before fine-tuning.",
    ),
    Rule(
        id="fine_tuning.systematic",
        section="fine-tuning-when",
        only_for=TRAINING,
        when=lambda f: f.systematic is True and not f.language_effect,
        reason="{share} of cases fail systematically{share_source}, at or above the 10% that "
        "justifies fine-tuning.",
    ),
    Rule(
        id="regional.language_specific_failures",
        section="regional-context",
        only_for=TRAINING,
        # Effect (see facts._systematic): unexplained failures on ja/zh/ko count as systematic.
        when=lambda f: f.language_effect,
        reason="Your content is in {language} and base models are trained mostly on English: "
        "Advisor counts the {share} failing cases as language-specific, the systematic kind "
        "fine-tuning can fix.",
    ),
    Rule(
        id="regional.localization",
        section="regional-context",
        only_for=STILL_WORKING,
        when=lambda f: f.slots.language in CJK_LANGUAGES and not f.language_effect,
        reason="Your content is in {language}: base models are trained mostly on English, so "
        "fine-tuning offers real advantages for localization.",
    ),
    Rule(
        id="regional.other_language",
        section="regional-context",
        only_for=STILL_WORKING,
        when=_other_language,
        reason="Your content is in {language}: test on {language} cases; the guide sees "
        "fine-tuning's localization advantage mainly for Japanese, Chinese and Korean.",
    ),
    Rule(
        id="mistakes.measure_30_50",
        section="mistake-skipping-prompts",
        only_for=TRAINING,
        when=_few_cases,
        reason="Before paying for training, confirm your {rate} on 30-50 cases with 3-5 prompt "
        "variations (so far: {test_cases} cases).",
    ),
    Rule(
        id="data.below_ideal",
        section="mistake-small-datasets",
        only_for=TUNING,
        when=_below_ideal,
        reason="Your {labeled} labeled examples are enough to start (at least {needed}), but "
        "{ideal}+ gives stable results.",
    ),
    Rule(
        id="data.ideal",
        section="mistake-small-datasets",
        only_for=TUNING,
        when=lambda f: not _below_ideal(f),
        reason="Your {labeled} labeled examples meet the guide's ideal of {ideal}+.",
    ),
    Rule(
        id="training.run_cost",
        section="comparison",
        only_for=TRAINING,
        when=lambda f: True,
        reason="A training run costs {run_range} (Advisor assumes {run_cost}; GPT-4o list "
        "prices put yours near {hosted_run}) and takes days to weeks.",
    ),
    Rule(
        id="training.budget_short",
        section="price-tables",
        only_for=TRAINING,
        # The two tables disagree about a run's price: the headline must say which one makes
        # the plan affordable, or a "Fine-tune" headline hides a budget that may not cover it.
        when=covers_some_runs,
        reason="Your training budget of {budget} covers a run {budget_fits} for "
        "{examples_priced}, but not {budget_short_of}.",
        headline="Budget: your {budget} covers a run only {budget_fits} for {examples_priced}, "
        "not {budget_short_of}; check your provider's price first.",
    ),
    Rule(
        id="training.budget_covers_run",
        section="cost-structure",
        only_for=TRAINING,
        when=covers_every_run,
        reason="Your training budget of {budget} covers one training run under every price "
        "table (on {examples_priced}: {run_costs}); over {horizon} plan for {runs}.",
    ),
    Rule(
        id="maintenance.retrain",
        section="maintenance-trap",
        only_for=TUNING,
        when=lambda f: True,
        reason="Over {horizon} that means {runs}: each new base model version needs "
        "retraining, so budget for it every year.",
    ),
    Rule(
        id="model.largest",
        section="mistake-wrong-model",
        only_for=frozenset({A.fine_tune, A.hybrid, A.rethink}),
        when=_reasoning,
        reason="Start with the largest model you can afford: a small model fine-tuned for "
        "complex reasoning fails; fine-tune to optimize cost, not to fix a weak base model.",
    ),
    Rule(
        id="rethink.check_basics",
        section="faq-no-improvement",
        only_for=frozenset({A.rethink}),
        when=lambda f: True,
        reason="When training would not help, the usual causes are the wrong base model, "
        "too little data or unrealistic expectations: try a larger model or reframe the task.",
    ),
    Rule(
        id="cost.total_cost_of_ownership",
        section="total-cost-of-ownership",
        when=lambda f: f.slots.monthly_requests is not None,
        reason="Over {horizon} at {monthly} requests a month: prompting {prompting_total}, "
        "fine-tuning {fine_tuning_total} (guide's figures); {break_even}.",
    ),
    Rule(
        id="cost.inference_premium",
        section="mistake-inference-costs",
        only_for=TUNING,
        when=lambda f: f.slots.monthly_requests is None,
        reason="Fine-tuned models cost 2-3x more to run; give your monthly requests to see the "
        "total cost of ownership, not just training.",
    ),
    Rule(
        id="scenario.ticket_classification",
        section="scenario-ticket-classification",
        only_for=frozenset({A.iterate_prompt, A.collect_data}),
        when=lambda f: f.slots.task is Task.classification,
        reason="For classifying tickets the guide prompts with examples of each category: $0 "
        "and about 2 hours, against $1,000+ and a week to fine-tune.",
    ),
    Rule(
        id="scenario.pdf_extraction",
        section="scenario-pdf-extraction",
        when=lambda f: f.slots.task is Task.extraction,
        reason="The guide's extraction scenario stops once prompting exceeds 85% and adds "
        "fine-tuning only when it stalls (around 60%).",
    ),
    Rule(
        id="scenario.research_summaries",
        section="scenario-research-summaries",
        only_for=frozenset({A.done}),
        when=lambda f: f.slots.task is Task.summarization,
        reason="As in the guide's research-summary scenario (chain-of-thought prompting plus "
        "examples reached 92%), no fine-tuning is needed.",
    ),
    Rule(
        id="scenario.legal_clauses",
        section="scenario-legal-clauses",
        only_for=TUNING,
        when=lambda f: (
            f.slots.task is Task.generation
            and f.slots.failure_cause in (FailureCause.terminology, FailureCause.style)
        ),
        reason="As in the guide's legal-clause scenario (500 documents in company style, "
        "$2,000), a generic base model misses your {cause}; fine-tuning teaches it.",
    ),
    Rule(
        id="scenario.technical_translation",
        section="scenario-technical-translation",
        only_for=frozenset({A.hybrid}),
        when=lambda f: True,
        reason="As in the guide's translation scenario: prompting with few-shot examples covers "
        "88%, and fine-tuning handles the remaining 12% of edge cases.",
    ),
)
