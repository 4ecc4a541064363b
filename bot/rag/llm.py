"""Optional LLM answers: a chat model rephrases the retrieved chunks, nothing more.

Any LangChain chat model through `init_chat_model(settings.llm_model)`, e.g.
`openai:gpt-4o-mini` or `ollama:llama3.1`. The prompt is a constant: answer
only from the numbered context and cite it as [n]; never recommend an
approach (decisions come from the engine). Any failure or a timeout returns
None, and the caller falls back to the extractive answer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

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
        self._settings = settings
        self._model = chat_model
        self._broken = False
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """True when a chat model is configured (or injected) and has not failed to load."""
        return not self._broken and (self._model is not None or bool(self._settings.llm_model))

    def _chat_model(self) -> Any:
        if self._model is None:
            from langchain.chat_models import init_chat_model

            self._model = init_chat_model(self._settings.llm_model)
        return self._model

    def write(self, question: str, hits: Sequence[Hit]) -> str | None:
        """The model's answer, or None on any failure, timeout or empty reply."""
        try:
            model = self._chat_model()
        except Exception as exc:  # missing provider package, unknown model id, no API key
            log.warning(
                "LLM %r unavailable, answers stay extractive: %s", self._settings.llm_model, exc
            )
            self._broken = True
            return None
        messages = [
            ("system", SYSTEM_PROMPT),
            ("human", f"Context:\n\n{context_block(hits)}\n\nQuestion: {question}"),
        ]
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="advisor-llm")
        future = self._pool.submit(model.invoke, messages)
        try:
            reply = future.result(timeout=self._settings.llm_timeout_s)
        except FutureTimeout:
            log.warning(
                "LLM answer timed out after %ss; using the extractive answer",
                self._settings.llm_timeout_s,
            )
            return None
        except Exception as exc:
            log.warning("LLM answer failed (%s); using the extractive answer", exc)
            return None
        text = _text(getattr(reply, "content", reply)).strip()
        return text or None


def _text(content: Any) -> str:
    """A chat reply's content as plain text (some providers return content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in content
            if isinstance(part, str | dict)
        )
    return str(content)
