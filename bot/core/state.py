"""The dialogue's state: what one conversation knows, JSON-serializable for the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.core.meaning import Reader, read_meaning
from bot.core.messages import Reply
from bot.engine.models import DecisionInput, Recommendation


class Phase(StrEnum):
    idle = "idle"  # no decision under way
    collecting = "collecting"  # asking for slots
    recommended = "recommended"  # a recommendation was given; what-ifs and corrections


class DialogueState(BaseModel):
    """One conversation's decision dialogue. Slots hold only valid DecisionInput values."""

    model_config = ConfigDict(extra="ignore")

    phase: Phase = Phase.idle
    slots: dict[str, Any] = Field(default_factory=dict, description="DecisionInput fields set")
    pending: str | None = Field(None, description="The slot the last question asked for")
    skipped: list[str] = Field(default_factory=list, description="Skipped or 'don't know'")
    asked: list[str] = Field(default_factory=list, description="Slots asked for so far")
    examples_per_category: int | None = Field(
        None, description="'500 examples per class' until the number of classes is known"
    )
    hints: dict[str, Any] = Field(
        default_factory=dict,
        description="Likely answers not stated clearly enough to fill a slot: offered first",
    )
    last_recommendation: Recommendation | None = None
    last_what_if: dict[str, Any] | None = Field(
        None, description="The slots the last what-if changed: 'details' shows its full card"
    )
    updated_at: datetime | None = None

    def decision_input(self) -> DecisionInput:
        """The slots as the engine's input."""
        return DecisionInput.model_validate(self.slots)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict for the store."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DialogueState:
        """The state a store saved; a fresh one when nothing (or nothing readable) was saved."""
        if not data:
            return cls()
        try:
            state = cls.model_validate(data)
            state.decision_input()
        except ValidationError:
            return cls()
        return state


@dataclass(frozen=True)
class Tools:
    """What a dialogue step may call: the engine, the knowledge base (already as replies),
    and, with an LLM configured, a reader that proposes slots for a message."""

    decide: Callable[[DecisionInput], Recommendation]
    answer: Callable[[str], list[Reply]]
    propose: Callable[[str, str | None], dict[str, Any]] | None = None
    read: Reader = read_meaning  # what a message asks for: bundled model, loaded on first use
