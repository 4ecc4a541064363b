"""What the engine tells the team to do: a headline and concrete next steps."""

from __future__ import annotations

from bot.engine.budget import covers_some_runs
from bot.engine.facts import CONFIRM_TEST_CASES, Facts
from bot.engine.models import Approach, Task

TRAINING = frozenset({Approach.collect_data, Approach.fine_tune, Approach.hybrid})

# Keyed by the decisive rule that chose the approach.
HEADLINES: dict[str, str] = {
    "ninety_percent.works": "Stop here: {rate} of your cases already work, so prompt "
    "engineering is enough.",
    "flowchart.stop_at_target": "Stop here: your prompt meets the {target} target "
    "({rate_phrase}), so prompt engineering is enough.",
    "ninety_percent.fails": "Rethink the task: with only {rate} of cases working, neither "
    "better prompts nor fine-tuning alone will fix it.",
    "rag.knowledge_first": "Add retrieval (RAG) first: the failures come from missing "
    "knowledge, which fine-tuning does not supply.",
    "measuring.ten_cases": "Test on more cases first: {test_cases} cases are too few for your "
    "{rate} to count.",
    "flowchart.measure_first": "Measure first: run your prompt on at least 10 test cases; 8 of "
    "10 right means you are done.",
    "flowchart.keep_iterating": "Keep improving the prompt: give it 3-5 iterations before "
    "considering fine-tuning.",
    "fine_tuning.random_failures": "Keep improving the prompt: random failures are not what "
    "fine-tuning fixes.",
    "fine_tuning.under_10_percent": "Keep improving the prompt: fine-tuning only pays for "
    "systematic failures affecting 10%+ of cases.",
    "fine_tuning.cause_unknown": "Keep improving the prompt until you know the failures are "
    "systematic: only then does fine-tuning pay.",
    "training.budget_below_every_run": "Keep improving the prompt for now: fine-tuning fits "
    "your problem, but your {budget} training budget is below one run under either price table: "
    "on {examples_priced} a run costs {run_costs}.",
    "data.per_category_minimum": "Collect data first: fine-tuning fits, but a {categories}-"
    "category classifier needs {needed} labeled examples; {you_have}.",
    "data.minimum_100": "Collect data first: fine-tuning fits, but it needs at least 100 "
    "labeled examples; {you_have}.",
    "combining.ceiling": "Combine both: keep the prompt for the {rate} it gets right and "
    "fine-tune on the systematic edge cases.",
    "flowchart.consider_fine_tuning": "Fine-tune: your best prompt is stuck at {rate}, below "
    "{target}, and you have {labeled} labeled examples to train on.",
}

NEXT_STEPS: dict[Approach, tuple[str, ...]] = {
    Approach.done: (
        "Keep this prompt and save your test cases as a regression set.",
        "Re-run the test cases whenever the model or the prompt changes; changing a prompt "
        "costs $0.",
    ),
    Approach.iterate_prompt: (
        "Improve the prompt: add context, examples, constraints and an explicit output format.",
        "Run 30-50 test cases with 3-5 prompt variations and keep the best.",
        "If the best prompt still fails 20%+ of the time after 3-5 iterations, run the decision "
        "again: fine-tuning may then be justified.",
    ),
    Approach.add_rag: (
        "Find the documents that hold the missing facts and retrieve the relevant passages "
        "into the prompt (RAG).",
        "Re-run your test cases with retrieval and compare with the {target} target.",
        "Only if RAG and better prompts both fail on systematic problems, consider fine-tuning.",
    ),
    Approach.collect_data: (
        "Collect at least {needed} labeled input-output examples{per_category}, ideally {ideal}+.",
        "Check that training and test examples match real-world data; keep a hold-out set.",
        "Keep improving the prompt meanwhile: it may reach the target before the data is ready.",
    ),
    Approach.fine_tune: (
        "Set aside a hold-out set (about 20% of your {labeled} examples) and never train on it.",
        "Fine-tune the largest model you can afford on the rest; record its base model version.",
        "Compare the fine-tuned model with your best prompt on the hold-out set and keep the "
        "one with the better cost-to-quality ratio.",
        "Budget for retraining every year and for each new model version.",
    ),
    Approach.hybrid: (
        "Keep the prompt for the cases it already handles ({rate}).",
        "Fine-tune a model on the {share} of cases that fail systematically, using your "
        "{labeled} examples (keep a hold-out set).",
        "Route with the prompt: send the edge cases to the fine-tuned model, the rest through "
        "prompting, and keep format instructions in both.",
        "Test the combination on the hold-out set against your {target} target; budget for "
        "yearly retraining.",
    ),
    Approach.rethink: (
        "Restate the problem: what exactly counts as a correct output, and is the target "
        "realistic?",
        "Try a larger or different base model, and check whether missing knowledge (RAG) "
        "explains the failures.",
        "Split the task into smaller steps a prompt can get right, then measure again on 10+ "
        "cases.",
    ),
}


def headline(rule_id: str, words: dict[str, str]) -> str:
    """The one sentence for the decisive rule that chose the approach."""
    return HEADLINES[rule_id].format_map(words)


def next_steps(approach: Approach, f: Facts, words: dict[str, str], rule_id: str = "") -> list[str]:
    """Concrete steps for the approach, with the team's numbers, plus situational ones."""
    extra = {"per_category": f" ({words['categories']} categories x 100)" if f.per_category else ""}
    steps = [step.format_map({**words, **extra}) for step in NEXT_STEPS[approach]]
    return _budget_steps(approach, f, words, rule_id) + _situational(approach, f, words) + steps


def _budget_steps(approach: Approach, f: Facts, words: dict[str, str], rule_id: str) -> list[str]:
    """What to do about a training budget that one price table covers and another does not."""
    if rule_id == "training.budget_below_every_run":
        return [
            "To fine-tune later, raise the training budget to at least {cheapest_run}, a run at "
            "{cheapest_table}, and run the decision again.".format_map(words)
        ]
    if approach in TRAINING and covers_some_runs(f):
        return [
            "Price one run with your provider before you start: on {examples_priced} it costs "
            "{run_costs}, against your {budget} budget.".format_map(words)
        ]
    return []


def _situational(approach: Approach, f: Facts, words: dict[str, str]) -> list[str]:
    s, steps = f.slots, []
    if approach is Approach.iterate_prompt and not f.rate_counts:
        steps.append("Run your prompt on at least 10 test cases and count how many succeed.")
    if approach is Approach.iterate_prompt and f.systematic is None:
        steps.append(
            "Read the failures: do they share a cause (format, terminology, style, reasoning, "
            "missing knowledge), and what share of all cases do they affect?"
        )
    if approach is Approach.iterate_prompt and s.task is Task.classification:
        steps.append("Put an example of each category in the prompt.")
    few = s.test_cases is None or s.test_cases < CONFIRM_TEST_CASES
    if approach is Approach.done and few:
        steps.append("Confirm the rate on 30-50 cases before you call it final.")
    rate = s.success_rate
    if approach is Approach.done and rate is not None and rate < s.target_success_rate:
        steps.append(
            f"If you truly need {words['target']}, tweak the prompt for the few remaining "
            "failures; too few fail to fine-tune for."
        )
    return steps
