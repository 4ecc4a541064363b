"""uvicorn's HTTP/1.1 protocol with a header deadline: idle or half-sent requests are closed.

uvicorn closes a kept-alive connection that stays quiet after a response, but a
connection that never sends a request, or sends only part of its headers, stays
open for ever. Here a timer runs from the moment a connection opens (or its next
request begins) until that request's headers are complete; when it fires first,
the connection is closed. Such a connection only costs a socket on the event
loop meanwhile: it never holds a thread.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.slack.asgi import DEFAULT_TIMEOUT_S

log = logging.getLogger(__name__)


class HeaderDeadlineProtocol(H11Protocol):
    """H11Protocol that closes connections whose request headers take too long."""

    header_timeout_s: float = DEFAULT_TIMEOUT_S  # the worker sets it from the environment

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._awaiting_headers():
            if self._header_timer is None:  # the next request on a kept-alive connection began
                self._arm_header_timer()
        else:
            self._cancel_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._cancel_header_timer()  # uvicorn's keep-alive timer takes over until more bytes

    def _awaiting_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._awaiting_headers() and not self.transport.is_closing():
            log.info(
                "closed a connection: no complete request headers in %ss", self.header_timeout_s
            )
            self.transport.close()
