"""The engine's interface: `DecisionInput` in, `Recommendation` out.

Field names are a public JSON interface (`advisor decide --json`, the chat's
`--json`, other tools): do not rename them.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Task(StrEnum):
    classification = "classification"
    extraction = "extraction"
    summarization = "summarization"
    support = "support"
    translation = "translation"
    generation = "generation"
    reasoning = "reasoning"
    other = "other"


class FailureCause(StrEnum):
    knowledge = "knowledge"
    format = "format"  # type: ignore[assignment]  # shadows str.format on purpose: a field value
    terminology = "terminology"
    style = "style"
    reasoning = "reasoning"
    random = "random"
    unknown = "unknown"


class Approach(StrEnum):
    done = "done"
    iterate_prompt = "iterate_prompt"
    add_rag = "add_rag"
    collect_data = "collect_data"
    fine_tune = "fine_tune"
    hybrid = "hybrid"
    rethink = "rethink"


class DecisionInput(BaseModel):
    """What a team knows about its AI feature. Every field is optional."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, validate_assignment=True)

    task: Task | None = Field(None, description="What the feature does")
    success_rate: float | None = Field(
        None, ge=0, le=1, description="Share of test cases the best prompt gets right (0..1)"
    )
    test_cases: int | None = Field(None, ge=0, description="How many test cases that rate is from")
    prompt_iterations: int | None = Field(None, ge=0, description="Prompt versions tried so far")
    target_success_rate: float = Field(0.8, gt=0, le=1, description="Success rate that is enough")
    failure_cause: FailureCause | None = Field(None, description="Why the failures happen")
    systematic_failure_share: float | None = Field(
        None, ge=0, le=1, description="Share of all cases failing in one systematic way (0..1)"
    )
    labeled_examples: int | None = Field(None, ge=0, description="Labeled input/output pairs")
    categories: int | None = Field(None, ge=1, description="Classes, for a classifier")
    monthly_requests: int | None = Field(None, ge=0, description="Requests per month")
    tokens_per_request: int | None = Field(None, ge=1, description="Input+output tokens a request")
    horizon_months: int = Field(12, ge=1, le=120, description="Months to cost over")
    training_budget_usd: float | None = Field(None, ge=0, description="Money available to train")
    language: str = Field("en", description="ISO 639-1 code of the content's language")

    @field_validator("language")
    @classmethod
    def _iso_639_1(cls, value: str) -> str:
        code = value.strip().lower()
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise ValueError("must be a two-letter ISO 639-1 code such as en, de or ja")
        return code


class FiredRule(BaseModel):
    """A rule that applied to this input, and why, in the team's own numbers."""

    id: str = Field(description="Stable rule id, e.g. flowchart.stop_at_target")
    reason: str = Field(description="One line that uses the team's numbers")
    section: str = Field(description="Knowledge-base section id the rule rests on")


class Citation(BaseModel):
    """A knowledge-base section an answer or a recommendation rests on."""

    section: str = Field(description="Section id, as in the knowledge base's front matter")
    title: str
    path: str = Field(description="File under knowledge/, e.g. decision-flowchart.md")


class MissingSlot(BaseModel):
    """A slot that would sharpen the answer; the dialogue asks in list order."""

    slot: str = Field(description="A DecisionInput field name")
    why: str = Field(description="How knowing it could change the recommendation")


class WhatWouldChange(BaseModel):
    """The nearest threshold that would move the recommendation."""

    slot: str
    condition: str = Field(description="e.g. 'labeled_examples >= 100'")
    approach: Approach = Field(description="The approach the engine would then give")
    text: str = Field(description="e.g. 'With 100+ labeled examples this becomes fine_tune.'")
    value: int | float | str | None = Field(
        None, description="The slot value the engine tried, e.g. 100 (the change holds there)"
    )


class CostPoint(BaseModel):
    """Cumulative cost at one month of the horizon."""

    month: int
    prompting_usd: float
    fine_tuning_usd: float


class CostEstimate(BaseModel):
    """Total cost of ownership, prompting against fine-tuning, under one price table."""

    price_table: str
    source: str
    as_of: str = Field(
        description="Date the prices were published or checked (YYYY-MM or YYYY-MM-DD)"
    )
    horizon_months: int
    monthly_requests: int
    tokens_per_request: int
    training_runs: int = Field(description="One per started year of the horizon (retraining)")
    training_usd: float
    prompting_total_usd: float
    fine_tuning_total_usd: float
    timeline: list[CostPoint]
    break_even_month: int | None = Field(
        None, description="First month fine-tuning is cumulatively cheaper; None if never"
    )
    assumptions: list[str] = Field(default_factory=list)


class CostComparison(BaseModel):
    estimates: list[CostEstimate]
    disagreement: str | None = Field(
        None, description="Set when the price tables disagree by more than 2x"
    )


class Recommendation(BaseModel):
    """What the engine says, and everything needed to trust it."""

    approach: Approach
    headline: str = Field(description="One sentence a team can act on")
    rules: list[FiredRule]
    next_steps: list[str]
    missing: list[MissingSlot] = Field(description="Most valuable first")
    what_would_change: list[WhatWouldChange]
    cost: CostComparison | None = Field(None, description="None until volume is known")
    citations: list[Citation]
    input: DecisionInput
