"""`decide`: the one pure function from a DecisionInput to a Recommendation."""

from __future__ import annotations

from bot.engine.advice import headline, next_steps
from bot.engine.budget import budget_words
from bot.engine.changes import what_would_change
from bot.engine.costs import compare, cost_words
from bot.engine.facts import Slots, derive
from bot.engine.models import Approach, DecisionInput, FiredRule, Recommendation
from bot.engine.notes import NOTES
from bot.engine.rules import choose_rule, fired
from bot.engine.sections import citation
from bot.engine.sensitivity import Approaches, missing
from bot.engine.wording import words


def decide(inp: DecisionInput) -> Recommendation:
    """Apply the guide's rules to what the team knows. Same input, same answer; no I/O."""
    slots = Slots.from_input(inp)
    facts = derive(slots)
    decisive = choose_rule(facts)
    approach = decisive.points_to or Approach.iterate_prompt
    cost = None
    if slots.monthly_requests is not None:
        cost = compare(
            slots.monthly_requests,
            slots.tokens_per_request,
            slots.horizon_months,
            slots.labeled_examples,
            facts.needed_examples,
        )
    said = (
        words(facts)
        | budget_words(facts)
        | cost_words(
            cost,
            slots.labeled_examples,
            facts.needed_examples,
            slots.tokens_per_request,
            slots.horizon_months,
        )
    )
    rules = fired(facts, approach, NOTES)
    approaches = Approaches()  # the sensitivity searches below share their probes
    approaches.given(slots, approach)
    clauses = [r.headline.format_map(said) for r in rules if r.headline]
    return Recommendation(
        approach=approach,
        headline=" ".join([headline(decisive.id, said), *clauses]),
        rules=[
            FiredRule(id=r.id, reason=r.reason.format_map(said), section=r.section) for r in rules
        ],
        next_steps=next_steps(approach, facts, said, decisive.id),
        missing=missing(facts, approach, approaches),
        what_would_change=what_would_change(facts, approach, approaches),
        cost=cost,
        citations=[citation(section) for section in dict.fromkeys(r.section for r in rules)],
        input=inp,
    )
