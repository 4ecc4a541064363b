"""`ChatRunner`: a LangChain chat model loaded once, each call bounded by a timeout."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from bot.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class ChatRunner:
    """Runs calls on the configured chat model; None whenever the model cannot answer."""

    def __init__(self, settings: Settings, chat_model: Any | None = None) -> None:
        """`chat_model` (a LangChain chat model) overrides settings.llm_model; tests pass fakes."""
        self._settings = settings
        self._model = chat_model
        self._broken = False
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """True when a chat model is configured (or injected) and has not failed to load."""
        return not self._broken and (self._model is not None or bool(self._settings.llm_model))

    def run(self, call: Callable[[Any], T], job: str) -> T | None:
        """`call(model)` within the timeout; None (and a log line) on any failure."""
        model = self._chat_model()
        if model is None:
            return None
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="advisor-llm")
            pool = self._pool
        future = pool.submit(call, model)
        try:
            return future.result(timeout=self._settings.llm_timeout_s)
        except FutureTimeout:
            log.warning("LLM %s timed out after %ss", job, self._settings.llm_timeout_s)
        except Exception as exc:
            log.warning("LLM %s failed: %s", job, _one_line(exc))
        return None

    def _chat_model(self) -> Any | None:
        with self._lock:
            if self._model is None and not self._broken and self._settings.llm_model:
                try:
                    from langchain.chat_models import init_chat_model

                    self._model = init_chat_model(
                        self._settings.llm_model, **provider_options(self._settings)
                    )
                except Exception as exc:  # missing provider package, unknown id, no API key
                    log.warning(
                        "LLM %r unavailable, staying deterministic: %s",
                        self._settings.llm_model,
                        _one_line(exc),
                    )
                    self._broken = True
            return None if self._broken else self._model


# Providers whose LangChain model takes `timeout` and `max_retries` (others only a base URL)
_RETRYING_PROVIDERS = ("openai:", "azure_openai:", "anthropic:")


def provider_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for init_chat_model: the base URL, and the client's own bounds.

    The provider client's per-request timeout is LLM_TIMEOUT_S and its retries
    (429 honouring Retry-After, 5xx, timeouts) LLM_MAX_RETRIES; `run` still cuts
    the whole call off at LLM_TIMEOUT_S, so retries only help while time is left.
    """
    options: dict[str, Any] = {}
    if settings.llm_base_url:
        options["base_url"] = settings.llm_base_url
    if (settings.llm_model or "").startswith(_RETRYING_PROVIDERS):
        options["timeout"] = settings.llm_timeout_s
        options["max_retries"] = settings.llm_max_retries
    return options


def reply_text(content: Any) -> str:
    """A chat reply's content as plain text (some providers return content blocks)."""
    content = getattr(content, "content", content)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in content
            if isinstance(part, str | dict)
        )
    return str(content)


def _one_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
