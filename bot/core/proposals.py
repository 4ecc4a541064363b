"""Merging an LLM's slot proposals into what the deterministic extractor found. Pure.

The deterministic value wins wherever both exist; a proposal is kept only when it
passes the same check as a typed answer. Shares given as percentages (70) become
fractions (0.7); task and cause names go through the same synonyms as free text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.core import slots as sl
from bot.core.extract import RATE_SLOTS, Extraction


def merge(found: Extraction, proposed: Mapping[str, Any]) -> Extraction:
    """`found` plus every valid proposed slot it does not already have."""
    added: dict[str, Any] = {}
    for slot, raw in proposed.items():
        if slot in found.slots or slot not in sl.LABELS:
            continue
        if slot == "labeled_examples" and found.examples_per_category is not None:
            continue  # "500 per class" was read exactly; the total follows from categories
        value = _normal(slot, raw)
        if value is not None and sl.check(slot, value) is None:
            added[slot] = value
    if not added:
        return found
    return replace(found, slots={**found.slots, **added})


def _normal(slot: str, raw: Any) -> Any:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, str):
        return sl.parse(slot, raw) if raw.strip() else None
    if slot in RATE_SLOTS and isinstance(raw, int | float) and 1 < raw <= 100:
        return raw / 100
    if isinstance(raw, float) and raw.is_integer() and slot not in RATE_SLOTS:
        return int(raw)
    return raw
