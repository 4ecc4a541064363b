"""A Recommendation as a readable rich card, for `advisor decide` and the terminal chat."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.engine.models import Approach, CostComparison, CostEstimate, Recommendation
from bot.engine.wording import APPROACH_TITLES, usd

COLOURS: dict[Approach, str] = {
    Approach.done: "green",
    Approach.iterate_prompt: "cyan",
    Approach.add_rag: "cyan",
    Approach.collect_data: "yellow",
    Approach.fine_tune: "magenta",
    Approach.hybrid: "magenta",
    Approach.rethink: "red",
}
TABLE_LABELS = {"guide": "guide", "openai-gpt-4o-2024-08": "GPT-4o 2024-08"}


def render_recommendation(rec: Recommendation) -> RenderableType:
    """The whole card: approach, why, cost over time, next steps, what would change it."""
    label, colour = APPROACH_TITLES[rec.approach], COLOURS[rec.approach]
    parts: list[RenderableType] = [
        Text.assemble((rec.headline, "bold")),
        _section("Why", _rules(rec)),
        _section("Next steps", _numbered(rec.next_steps)),
    ]
    if rec.cost is not None:
        parts.append(_section("Cost over time", _cost(rec.cost)))
    if rec.what_would_change:
        changes = _bullets(w.text for w in rec.what_would_change)
        parts.append(_section("What would change it", changes))
    if rec.missing:
        wanted = _bullets(f"{m.slot}: {m.why}" for m in rec.missing)
        parts.append(_section("Would sharpen the answer", wanted))
    if rec.citations:
        sources = (f"{c.title} ({c.path}#{c.section})" for c in rec.citations)
        parts.append(_section("Sources", _numbered(sources)))
    title = Text.assemble((label, f"bold {colour}"), (f"  [{rec.approach.value}]", "dim"))
    return Panel(Group(*parts), title=title, title_align="left", border_style=colour)


def render_changes(changes: list[str]) -> RenderableType:
    """What a what-if moved: the approach line first, then reasons and costs as bullets."""
    if not changes:
        return Text("")
    head, *rest = changes
    heading = Text("What changed", style="bold underline")
    return Group(Text(""), heading, Text(head, style="bold"), _bullets(rest))


def _section(heading: str, body: RenderableType) -> RenderableType:
    return Group(Text(""), Text(heading, style="bold underline"), body)


def _rules(rec: Recommendation) -> RenderableType:
    """Each rule's reason, with its id and section underneath (readable at any width)."""
    entries = [
        Text.assemble(f"{rule.reason}\n", (f"{rule.id} · {rule.section}", "dim cyan"))
        for rule in rec.rules
    ]
    return _listing(["•"] * len(entries), entries)


def _numbered(items: Iterable[str]) -> RenderableType:
    texts = [Text(item) for item in items]
    return _listing([f"{i}." for i in range(1, len(texts) + 1)], texts)


def _bullets(items: Iterable[str]) -> RenderableType:
    texts = [Text(item) for item in items]
    return _listing(["•"] * len(texts), texts)


def _listing(marks: list[str], entries: list[Text]) -> RenderableType:
    """Marks in their own column, so wrapped lines hang under the text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for mark, entry in zip(marks, entries, strict=True):
        grid.add_row(mark, entry)
    return grid


def _months(horizon: int) -> list[int]:
    """A readable subset of months: 1, 3, 6, then every year, and the last month."""
    picks = {1, 3, 6, *range(12, horizon + 1, 12), horizon}
    return sorted(m for m in picks if m <= horizon)


def _cost(cost: CostComparison) -> RenderableType:
    first = cost.estimates[0]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Month", justify="right")
    for est in cost.estimates:
        name = TABLE_LABELS.get(est.price_table, est.price_table)
        table.add_column(f"Prompting\n{name}", justify="right")
        table.add_column(f"Fine-tuning\n{name}", justify="right")
    for month in _months(first.horizon_months):
        row = [str(month)]
        for est in cost.estimates:
            point = est.timeline[month - 1]
            row += [usd(point.prompting_usd), usd(point.fine_tuning_usd)]
        table.add_row(*row)
    notes = [_break_even(est) for est in cost.estimates]
    if cost.disagreement:
        notes.append(Text(cost.disagreement, style="yellow"))
    assumptions = dict.fromkeys(a for est in cost.estimates for a in est.assumptions)
    notes.append(Text("Assumptions: " + " ".join(assumptions), style="dim"))
    return Group(table, *notes)


def _break_even(est: CostEstimate) -> Text:
    name = TABLE_LABELS.get(est.price_table, est.price_table)
    when = "never" if est.break_even_month is None else f"month {est.break_even_month}"
    runs = f"{est.training_runs} training run{'s' if est.training_runs != 1 else ''}"
    return Text(
        f"Break-even ({name}): {when}; {est.horizon_months} months at "
        f"{est.monthly_requests:,} requests a month, {runs} ({usd(est.training_usd)})."
    )
