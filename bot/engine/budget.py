"""A stated training budget against what one training run costs under each price table.

The guide puts a run at $500-$5,000+ (Advisor assumes $2,000); hosted offers charge per
training token, so at GPT-4o's 2024-08 list prices a run on a few hundred examples costs
tens of dollars. A budget can therefore cover a run under one table and not the other, and
the recommendation has to say which. We resolve it so:
- below a run under every table: fine-tuning is out of reach, keep prompting (decisive rule);
- enough under some tables only: the approach stands, and the headline names the table that
  makes it affordable and what the run costs in the other (a note with a headline clause);
- enough under every table: a note says so.
One run is what the budget is checked against: retraining is a later year's budget.
"""

from __future__ import annotations

from functools import lru_cache

from bot.engine.costs import DEFAULT_TOKENS_PER_REQUEST, PRICE_TABLES, PriceTable, training_run_usd
from bot.engine.facts import Facts
from bot.engine.wording import count, usd

RunCost = tuple[PriceTable, float]


def run_costs(f: Facts) -> list[RunCost]:
    """One training run on the team's examples (or the minimum), under every price table."""
    examples = f.slots.labeled_examples or f.needed_examples
    tokens = f.slots.tokens_per_request or DEFAULT_TOKENS_PER_REQUEST
    return list(_priced(examples, tokens))


@lru_cache(maxsize=1024)
def _priced(examples: int, tokens: int) -> tuple[RunCost, ...]:
    """Run costs by (examples, tokens): the budget rules ask for them on every probe of the
    sensitivity search, and a decision's probes share a handful of pairs."""
    return tuple((table, training_run_usd(table, examples, tokens)) for table in PRICE_TABLES)


def _split(f: Facts) -> tuple[list[RunCost], list[RunCost]] | None:
    """(runs the budget covers, runs it does not); None when no budget was stated."""
    budget = f.slots.training_budget_usd
    if budget is None:
        return None
    costs = run_costs(f)
    return [c for c in costs if budget >= c[1]], [c for c in costs if budget < c[1]]


def covers_no_run(f: Facts) -> bool:
    """A budget was stated and is below one run under every price table."""
    split = _split(f)
    return split is not None and not split[0]


def covers_some_runs(f: Facts) -> bool:
    """The budget covers a run under some price tables but not all."""
    split = _split(f)
    return split is not None and bool(split[0]) and bool(split[1])


def covers_every_run(f: Facts) -> bool:
    """The budget covers a run under every price table."""
    split = _split(f)
    return split is not None and not split[1]


def budget_words(f: Facts) -> dict[str, str]:
    """Run costs a budget rule's reason or headline may quote, cheapest table first."""
    costs = sorted(run_costs(f), key=lambda c: c[1])
    examples = f.slots.labeled_examples or f.needed_examples
    tokens = f.slots.tokens_per_request or DEFAULT_TOKENS_PER_REQUEST
    cheapest_table, cheapest = costs[0]
    split = _split(f) or ([], costs)
    return {
        "run_costs": _listed(costs),
        "cheapest_run": usd(cheapest),
        "cheapest_table": cheapest_table.label,
        "examples_priced": f"{count(examples)} examples of {count(tokens)} tokens",
        "budget_fits": " and ".join(f"{_at(t)}, about {usd(c)}" for t, c in split[0]),
        "budget_short_of": " and ".join(
            f"{_at(t)}, where a run costs {usd(c)}" for t, c in split[1]
        ),
    }


def _listed(costs: list[RunCost]) -> str:
    """'$2,000 in the guide's figures and $45 at OpenAI's GPT-4o list prices (2024-08)'."""
    return " and ".join(f"{usd(cost)} {_at(table)}" for table, cost in costs)


def _at(table: PriceTable) -> str:
    return f"in {table.label}" if table.training_run_usd is not None else f"at {table.label}"
