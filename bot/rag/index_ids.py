"""Ids of index entries: a chunk, or one of its section's questions pointing back to it."""

from __future__ import annotations

QUESTION_MARK = "::q"  # question entry id = parent chunk id + this + its number


def question_id(chunk_id: str, n: int) -> str:
    """The entry id of a chunk's n-th question: search small, return the parent."""
    return f"{chunk_id}{QUESTION_MARK}{n}"


def parent_id(entry_id: str) -> tuple[str, bool]:
    """(chunk id, whether the entry was one of its questions)."""
    parent, mark, _ = entry_id.partition(QUESTION_MARK)
    return parent, bool(mark)


def question_number(entry_id: str) -> int | None:
    """Which of its chunk's questions an entry is (None for a chunk's own entry)."""
    _, mark, number = entry_id.partition(QUESTION_MARK)
    return int(number) if mark and number.isdigit() else None
