"""Quotable units of a chunk body: sentences, list items and table rows.

The extractive answer quotes them, and the index keeps each as a small entry of
its own pointing back to its chunk (search small, return the parent), so a
question close in meaning to one sentence finds the section that states it.
"""

from __future__ import annotations

import re

MIN_SENTENCE_CHARS = 30
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(*$])")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def sentences(body: str) -> list[str]:
    """A chunk body as quotable units: sentences, list items and table rows."""
    units: list[str] = []
    lines = body.split("\n")
    header: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            header = None
        elif stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            if header is None:
                header = cells
            else:
                units.append(_row_sentence(header, cells))
        elif not stripped.endswith(":"):  # a lead-in such as "Properties of fine-tuning:"
            header = None
            units.extend(_merge_fragments(_SENTENCE_END.split(_clean(stripped))))
    return [u.strip() for u in units if len(u.strip()) > 1]


def _merge_fragments(pieces: list[str]) -> list[str]:
    """Join pieces too short to stand alone ("Compare.") to the next one."""
    out: list[str] = []
    carry = ""
    for piece in pieces:
        piece = f"{carry} {piece}".strip() if carry else piece
        if len(piece) < MIN_SENTENCE_CHARS:
            carry = piece
        else:
            out.append(piece)
            carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


def _clean(line: str) -> str:
    return _LIST_MARK.sub("", line).replace("**", "").replace("__", "")


def _row_sentence(header: list[str], cells: list[str]) -> str:
    """ "| Cost | $0 | $500 |" under "Factor | Prompting | Fine-tuning" as one readable line."""
    pairs = [f"{h}: {c}" for h, c in zip(header[1:], cells[1:], strict=False) if c]
    return f"{cells[0]} ({'; '.join(pairs)})."
