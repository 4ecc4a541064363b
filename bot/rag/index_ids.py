"""Ids of index entries: a chunk, or a small entry pointing back to it (one of its
section's questions, or one of its own sentences)."""

from __future__ import annotations

QUESTION_MARK = "::q"  # question entry id = parent chunk id + this + its number
SENTENCE_MARK = "::s"  # sentence entry id = parent chunk id + this + its position


def question_id(chunk_id: str, n: int) -> str:
    """The entry id of a chunk's n-th question: search small, return the parent."""
    return f"{chunk_id}{QUESTION_MARK}{n}"


def sentence_id(chunk_id: str, n: int) -> str:
    """The entry id of a chunk's n-th sentence (list item, table row)."""
    return f"{chunk_id}{SENTENCE_MARK}{n}"


def parent_id(entry_id: str) -> tuple[str, bool]:
    """(chunk id, whether the entry was one of its questions)."""
    parent, mark, _ = entry_id.partition(QUESTION_MARK)
    return _chunk_of(parent), bool(mark)


def is_sentence(entry_id: str) -> bool:
    """True for the entry of one of a chunk's sentences."""
    return SENTENCE_MARK in entry_id


def question_number(entry_id: str) -> int | None:
    """Which of its chunk's questions an entry is (None for any other entry)."""
    _, mark, number = entry_id.partition(QUESTION_MARK)
    return int(number) if mark and number.isdigit() else None


def sentence_number(entry_id: str) -> int | None:
    """Which of its chunk's sentences an entry is (None for any other entry)."""
    _, mark, number = entry_id.partition(SENTENCE_MARK)
    return int(number) if mark and number.isdigit() else None


def _chunk_of(entry_id: str) -> str:
    return entry_id.partition(SENTENCE_MARK)[0]
