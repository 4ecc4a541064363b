"""Where a streamed answer goes while it is written: a sink set by the channel, per turn.

The core stays channel-agnostic: a channel that can show text as it arrives (Slack's
streaming messages) sets a sink around its turn with `streaming_to`, and the LLM
writer sends each chunk there. Without a sink nothing streams and nothing changes.
The sink is a context variable, so it follows the turn into worker threads that copy
the context (`contextvars.copy_context().run`), and never leaks into another turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

AnswerSink = Callable[[str], None]
"""Receives the answer's text, chunk by chunk, as the model writes it."""

_sink: ContextVar[AnswerSink | None] = ContextVar("advisor_answer_sink", default=None)


@contextmanager
def streaming_to(sink: AnswerSink | None) -> Iterator[None]:
    """Within the block, answers written by the LLM are also sent to `sink` as they come."""
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)


def current_sink() -> AnswerSink | None:
    """The sink of the turn being answered, if its channel streams."""
    return _sink.get()
