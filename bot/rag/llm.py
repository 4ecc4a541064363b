"""Optional LLM answers: a chat model rephrases the retrieved chunks, nothing more.

Any LangChain chat model through `init_chat_model(settings.llm_model)`, e.g.
`openai:gpt-4o-mini` or `ollama:llama3.1`. The prompt is a constant: answer
only from the numbered context and cite it as [n]; never recommend an
approach (decisions come from the engine). Any failure, a timeout, or an answer
that is not grounded (a figure the passages do not hold, a citation of a passage
that does not exist) returns None, and the caller falls back to the extractive
answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from bot.llm.runner import ChatRunner, reply_text
from bot.llm.sink import AnswerSink, current_sink
from bot.rag.retrieval import Hit
from bot.settings import Settings

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You are Advisor, a Slack assistant about improving AI features with better prompts, "
    "retrieval-augmented generation (RAG) or fine-tuning.\n"
    "Answer the question using ONLY the numbered context passages below. "
    "Cite every statement with the passage number in square brackets, like [1]. "
    "Copy numbers, percentages, prices and thresholds exactly as written. "
    "If the passages do not answer the question, say that the knowledge base does not cover it. "
    "Do not recommend an approach for the team's own case: say that Advisor's decision "
    'dialogue ("help me decide") does that. '
    "Keep the answer under 90 words, in plain sentences."
)


def context_block(hits: Sequence[Hit]) -> str:
    """The retrieved chunks, numbered as the answer must cite them."""
    return "\n\n".join(f"[{n}] {hit.chunk.text}" for n, hit in enumerate(hits, start=1))


class LlmWriter:
    """Writes an answer from retrieved chunks with a chat model, or returns None."""

    def __init__(self, settings: Settings, chat_model: Any | None = None) -> None:
        self._runner = ChatRunner(settings, chat_model)

    @property
    def enabled(self) -> bool:
        """True when a chat model is configured (or injected) and has not failed to load."""
        return self._runner.enabled

    def write(self, question: str, hits: Sequence[Hit]) -> str | None:
        """The model's answer, or None on any failure, timeout or empty reply.

        When the turn streams (bot.llm.sink), each chunk also goes to the sink as it is
        written; the grounding check still runs on the whole text, so the channel must
        show what this returns (or the fallback) in place of what was streamed.
        """
        messages = [
            ("system", SYSTEM_PROMPT),
            ("human", f"Context:\n\n{context_block(hits)}\n\nQuestion: {question}"),
        ]
        sink = current_sink()
        if sink is None:
            reply = self._runner.run(lambda model: reply_text(model.invoke(messages)), "answer")
        else:
            reply = self._runner.run(lambda model: _streamed(model, messages, sink), "answer")
        text = reply.strip() if reply is not None else ""
        if not text:
            return None
        problem = ungrounded(text, hits, question)
        if problem:
            log.warning("LLM answer not grounded (%s); using the extractive answer", problem)
            return None
        return text


def _streamed(model: Any, messages: list[tuple[str, str]], sink: AnswerSink) -> str:
    """The whole reply, each chunk sent to the sink on the way (a sink that raises fails it)."""
    parts: list[str] = []
    for chunk in model.stream(messages):
        text = reply_text(chunk)
        if text:
            parts.append(text)
            sink(text)
    return "".join(parts)


# "$5,000", "80-85%", "0.8": a figure a reader takes as a fact ("GPT-4o", "7B" are names)
_FIGURE = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
_CITATION = re.compile(r"\[(\d+)\]")


def ungrounded(text: str, hits: Sequence[Hit], question: str = "") -> str | None:
    """Why an answer is not grounded in the passages (a figure or a citation), or None.

    Every figure must appear in the passages or the question as written (ignoring
    thousands commas), and every [n] must name a passage: a model that invents "$300"
    or cites [7] of 4 is not shown.
    """
    context = " ".join([question, *(hit.chunk.text for hit in hits)])
    known = {f.replace(",", "") for f in _FIGURE.findall(context)}
    for figure in _FIGURE.findall(_CITATION.sub(" ", text)):
        if figure.replace(",", "") not in known:
            return f"the figure {figure} is not in the passages"
    for number in _CITATION.findall(text):
        if not 1 <= int(number) <= len(hits):
            return f"it cites [{number}] but there are {len(hits)} passages"
    return None
