"""Multi-part questions: "whats lora, and how many examples do we need?" asks two things.

A question is split where a second question starts: after a question mark or a
semicolon, or at "and / also / plus / +" followed by a question word. A part too
short to ask anything on its own (no content word) stays with its
neighbour. A leading topic ("prompting: how long, and what does it cost") and
counting preambles ("2 qs:") are handled so each part can be answered alone.
"""

from __future__ import annotations

import re

from bot.rag.text import STOPWORDS, words

MAX_PARTS = 3
MIN_CONTENT_WORDS = 1

_QUESTION_WORD = (
    r"(?:what|whats|what's|how|hw|is|are|does|do|can|could|when|which|why|should|where|who|"
    r"any|will|would)\b"
)
# A second question starts after "?" or ";" (anything may follow), or at a conjunction
# that is followed by a question word ("..., and how long does it take").
_BOUNDARY = re.compile(
    r"\s*[?;]+\s*(?=\S)"
    r"|\s*,?\s+(?:and|also|plus|\+|&)\s+(?:also\s+)?(?=" + _QUESTION_WORD + ")"
    r"|\s*\?\s*(?:and|also|plus)\s+",
    re.IGNORECASE,
)
# "2 qs:", "two questions -", "quick q:" before the questions themselves
_PREAMBLE = re.compile(
    r"^\s*(?:\d+|two|three|couple(?:\s+of)?|quick|few)\s*(?:qs|qq|questions?|q)\b\s*[:\-–]*\s*",
    re.IGNORECASE,
)
_LEADING_JOINER = re.compile(r"^(?:(?:and|also|plus|\+|&)\s+)+", re.IGNORECASE)
# a part that points back ("how does it differ", "is that enough") belongs to the one before
_REFERS_BACK = re.compile(r"^(?:\S+\s+){0,3}(?:it|its|they|them|this|that|those|these)\b", re.I)
# "prompting: how long ..." -> the topic before the colon goes with every part
_TOPIC = re.compile(r"^\s*([^:?]{2,40}):\s+(?=\S)")


def split_parts(question: str) -> list[str]:
    """The separate questions a message asks, in order (one item when it asks one)."""
    text = _PREAMBLE.sub("", question.strip())
    topic = ""
    match = _TOPIC.match(text)
    if match and not _is_question(match.group(1)):
        topic, text = match.group(1).strip(), text[match.end() :]
    pieces = [_LEADING_JOINER.sub("", p.strip(" ,.!?")) for p in _BOUNDARY.split(text)]
    parts: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        refers_back = not topic and _REFERS_BACK.match(piece)  # with a topic, "it" is the topic
        if parts and (_content_words(piece) < MIN_CONTENT_WORDS or refers_back):
            # "... and why?" is not a question alone; "how does it differ" needs the first
            parts[-1] = f"{parts[-1]}, {piece}"
        else:
            parts.append(piece)
    if len(parts) < 2:
        return [question.strip()]
    if len(parts) > MAX_PARTS:
        parts = [*parts[: MAX_PARTS - 1], ", ".join(parts[MAX_PARTS - 1 :])]
    return [f"{topic}: {p}" if topic else p for p in parts]


def _content_words(text: str) -> int:
    return sum(1 for w in words(text) if w not in STOPWORDS)


def _is_question(text: str) -> bool:
    return re.match(_QUESTION_WORD, text.strip(), re.IGNORECASE) is not None
