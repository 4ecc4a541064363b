"""The recommendation card: a `Recommendation` as Block Kit blocks. Pure functions."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.engine.models import Approach, Citation, CostComparison, CostEstimate, Recommendation
from bot.engine.sections import SECTIONS
from bot.engine.wording import APPROACH_TITLES
from bot.slack.mrkdwn import escape, split_text, to_mrkdwn, truncate

HEADER_LIMIT = 150
TOP_REASONS = 3  # the compact card's reasons; the rest are behind "Details"
DETAILS_BUTTON = "Details"

APPROACH_EMOJI: dict[Approach, str] = {
    Approach.done: "✅",
    Approach.iterate_prompt: "✏️",
    Approach.add_rag: "📚",
    Approach.collect_data: "🗂️",
    Approach.fine_tune: "🎯",
    Approach.hybrid: "🔀",
    Approach.rethink: "🤔",
}


def approach_label(approach: Approach | str) -> str:
    """A person's name for an approach, with its emoji."""
    try:
        known = Approach(approach)
    except ValueError:
        return str(approach)
    return f"{APPROACH_EMOJI[known]} {APPROACH_TITLES[known]}"


def recommendation_blocks(rec: Recommendation) -> list[Block]:
    """The whole card: headline, why, cost over time, next steps, what would change it."""
    header = truncate(f"Recommendation: {approach_label(rec.approach)}", HEADER_LIMIT)
    headline = to_mrkdwn(rec.headline).replace("*", "")
    blocks: list[Block] = [HeaderBlock(text=header), *_sections(f"*{headline}*")]
    if rec.rules:
        blocks += _sections(
            "*Why*\n" + "\n".join(_rule_line(r.reason, r.section) for r in rec.rules)
        )
    if rec.cost is not None:
        blocks += cost_blocks(rec.cost)
    if rec.next_steps:
        steps = "\n".join(f"{i}. {to_mrkdwn(s)}" for i, s in enumerate(rec.next_steps, 1))
        blocks += _sections("*Next steps*\n" + steps)
    return blocks + _tail_blocks(rec)


def compact_blocks(rec: Recommendation, *, headline: bool = True) -> list[Block]:
    """The card for a thread: headline, the top reasons and the next steps.

    Costs, every reason, what would change it and the sources are one click away
    ("Details", `details_blocks`), so a planning thread is not flooded. Without
    `headline` (the message's text already says it) the sentence is not repeated.
    """
    header = truncate(f"Recommendation: {approach_label(rec.approach)}", HEADER_LIMIT)
    blocks: list[Block] = [HeaderBlock(text=header)]
    if headline:
        blocks += _sections(f"*{to_mrkdwn(rec.headline).replace('*', '')}*")
    if rec.rules:
        top = "\n".join(_rule_line(r.reason, r.section) for r in rec.rules[:TOP_REASONS])
        blocks += _sections("*Why*\n" + top)
    if rec.next_steps:
        steps = "\n".join(f"{i}. {to_mrkdwn(s)}" for i, s in enumerate(rec.next_steps, 1))
        blocks += _sections("*Next steps*\n" + steps)
    behind = _behind_details(rec)
    if behind:
        blocks.append(_context(f"{behind}: *{DETAILS_BUTTON}* below."))
    return blocks


def _behind_details(rec: Recommendation) -> str:
    """'The cost over time, 3 more reasons, what would change it and 2 sources'."""
    parts = []
    if rec.cost is not None:
        parts.append("the cost over time")
    more = len(rec.rules) - TOP_REASONS
    if more > 0:
        parts.append(f"{more} more {'reason' if more == 1 else 'reasons'}")
    if rec.what_would_change:
        parts.append("what would change it")
    if rec.citations:
        n = len(rec.citations)
        parts.append(f"{n} {'source' if n == 1 else 'sources'}")
    if not parts:
        return ""
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return text[0].upper() + text[1:]


def details_blocks(rec: Recommendation) -> list[Block]:
    """What the compact card leaves out: every reason, costs, what would change it, sources."""
    title = f"*Details: {escape(approach_label(rec.approach))}*"
    blocks: list[Block] = []
    if rec.rules:
        lines = "\n".join(_rule_line(r.reason, r.section) for r in rec.rules)
        blocks += _sections(f"{title}\n*Why (all {len(rec.rules)})*\n{lines}")
    else:
        blocks += _sections(title)
    if rec.cost is not None:
        blocks += cost_blocks(rec.cost)
    else:
        blocks.append(_context("No cost estimate: it needs the monthly requests."))
    return blocks + _tail_blocks(rec)


def _tail_blocks(rec: Recommendation) -> list[Block]:
    """What would change it, what would sharpen it, and the sources."""
    blocks: list[Block] = []
    if rec.what_would_change:
        blocks += _sections(
            "*What would change it*\n"
            + "\n".join(f"• {to_mrkdwn(w.text)}" for w in rec.what_would_change)
        )
    if rec.missing:
        sharpen = "; ".join(
            f"*{escape(m.slot.replace('_', ' '))}* ({to_mrkdwn(m.why)})" for m in rec.missing[:3]
        )
        blocks.append(_context(f"Would sharpen this: {sharpen}"))
    if rec.citations:
        blocks.append(_context(citation_lines(rec.citations)))
    return blocks


def changes_blocks(changes: list[str]) -> list[Block]:
    """What a what-if (or a correction) moved: the approach line, then reasons and costs."""
    if not changes:
        return []
    head, *rest = changes
    lines = [f"*{escape(head)}*", *(f"• {to_mrkdwn(line)}" for line in rest)]
    return _sections("*What changed*\n" + "\n".join(lines))


def _rule_line(reason: str, section: str) -> str:
    title = SECTIONS.get(section, (section, ""))[0]
    return f"• {to_mrkdwn(reason)} — _{escape(title)}_"


def cost_blocks(cost: CostComparison) -> list[Block]:
    """One cost table per price table, the break-even, and any disagreement between tables."""
    blocks: list[Block] = []
    for estimate in cost.estimates:
        blocks += _sections(_estimate_text(estimate))
        blocks.append(
            _context(
                f"Prices: {escape(estimate.price_table)} · {escape(estimate.source)} · "
                f"as of {escape(estimate.as_of)}"
            )
        )
    if cost.disagreement:
        blocks += _sections(f"⚠️ {to_mrkdwn(cost.disagreement)}")
    return blocks


def _estimate_text(e: CostEstimate) -> str:
    title = (
        f"*Cost over {e.horizon_months} months* ({e.monthly_requests:,} requests/month, "
        f"{e.tokens_per_request:,} tokens each; {escape(e.price_table)})"
    )
    if e.break_even_month is None:
        verdict = f"No break-even within {e.horizon_months} months: prompting stays cheaper."
    else:
        verdict = f"Break-even: month {e.break_even_month}; fine-tuning is cheaper from then on."
    training = f"Training: {e.training_runs} run(s), {usd(e.training_usd)} (retraining each year)."
    return f"{title}\n```\n{cost_table(e)}\n```\n{verdict}\n{training}"


def cost_table(e: CostEstimate) -> str:
    """A fixed-width table of cumulative cost at a few months of the horizon."""
    wanted = _table_months(e.horizon_months, e.break_even_month)
    rows = [p for p in e.timeline if p.month in wanted] or e.timeline[-1:]
    lines = [f"{'Month':>5}  {'Prompting':>12}  {'Fine-tuning':>12}"]
    lines += [
        f"{p.month:>5}  {usd(p.prompting_usd):>12}  {usd(p.fine_tuning_usd):>12}" for p in rows
    ]
    return "\n".join(lines)


def _table_months(horizon: int, break_even: int | None) -> set[int]:
    months = {1, 3, 6, horizon} | set(range(12, horizon + 1, 12))
    if break_even is not None:
        months.add(break_even)
    return {m for m in months if m <= horizon}


def usd(amount: float) -> str:
    """Dollars as people write them: $1,234 or $12.50."""
    if abs(amount) >= 100:
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def citation_lines(citations: list[Citation]) -> str:
    """Numbered citations, one per line: [1] Title — file#section."""
    return "\n".join(
        f"[{i}] {escape(c.title)} — `{escape(c.path)}#{escape(c.section)}`"
        for i, c in enumerate(citations, 1)
    )


def _sections(text: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in split_text(text)]


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, 3000))])
