"""Citations for answers: "[1] FAQ: what LoRA is (faq.md)".

A `Source` carries the document title, the section id and the chunk text, whose
first line is the chunk's heading path ("Doc title > Section"). These helpers
turn a source into the section's own heading, a one-line label, or the
engine's `Citation`, so every channel cites the same way.
"""

from __future__ import annotations

from bot.core.ports import Answer, Source
from bot.engine.models import Citation


def section_heading(source: Source) -> str:
    """The heading of the section a source comes from (the title for an intro)."""
    return source.heading


def to_citation(source: Source) -> Citation:
    """The source as the engine's Citation: section id, section heading, file."""
    return source.citation()


def citation_lines(answer: Answer) -> list[str]:
    """Numbered citation lines, in the order the answer's [n] markers use."""
    return [
        f"[{n}] {section_heading(source)} ({source.path})"
        for n, source in enumerate(answer.sources, start=1)
    ]
