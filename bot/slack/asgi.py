"""The production HTTP front: an ASGI app that slow or idle clients cannot starve.

The event loop reads each body with a deadline and a size cap (a client that
trickles its body is answered 408 and cut off; one that sends too much, 413),
then hands the complete request to `SlackHttp.handle` on a bounded thread pool:
Bolt's dispatch is synchronous. /healthz is answered on the loop itself. Header
read and idle timeouts live in the protocol (bot/slack/protocol.py); gunicorn
runs this through bot/slack/worker.py (the Procfile's `web:`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.settings import Settings
from bot.slack.http import EVENTS_PATH, HEALTH_PATH, MAX_BODY_BYTES, Reply, SlackHttp, json_reply

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
AccessLog = Callable[[Scope, int, float], None]

DISPATCH_THREADS = 4
BODY_TIMEOUT_ENV = "ADVISOR_HTTP_BODY_TIMEOUT_S"
HEADER_TIMEOUT_ENV = "ADVISOR_HTTP_HEADER_TIMEOUT_S"
DEFAULT_TIMEOUT_S = 10.0  # Slack sends a whole request at once; ten seconds is generous


class BodyTimeout(Exception):
    """The client did not send its whole body in time."""


def timeout_from_env(name: str) -> float:
    """A read timeout in seconds from the environment (tests shorten them), else the default."""
    try:
        value = float(os.environ.get(name, DEFAULT_TIMEOUT_S))
    except ValueError:
        return DEFAULT_TIMEOUT_S
    return value if value > 0 else DEFAULT_TIMEOUT_S


class SlackAsgi:
    """ASGI in front of `SlackHttp`: bodies read on the loop, Bolt on `threads` threads."""

    def __init__(self, http: SlackHttp, threads: int = DISPATCH_THREADS) -> None:
        self.http = http
        self.body_timeout_s = timeout_from_env(BODY_TIMEOUT_ENV)
        self.on_access: AccessLog | None = None  # the worker's access log, when it has one
        self._threads = threads
        self._pool: ThreadPoolExecutor | None = None

    def configure(self, threads: int, on_access: AccessLog | None = None) -> None:
        """Set the pool size and the access log (the worker calls this before serving)."""
        self._threads = max(1, threads)
        self.on_access = on_access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.monotonic()
        status, headers, body = await self._reply(scope, receive)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))  # one plain body, never chunked
        await send({"type": "http.response.start", "status": status, "headers": _raw(headers)})
        await send({"type": "http.response.body", "body": body})
        if self.on_access is not None:
            self.on_access(scope, status, time.monotonic() - started)

    async def _reply(self, scope: Scope, receive: Receive) -> Reply:
        method, path = scope["method"], scope["path"]
        if path != EVENTS_PATH or method != "POST":  # health and refusals: no thread needed
            return self.http.handle(method, path, "", {}, b"")
        try:
            raw = await asyncio.wait_for(_read_body(receive), self.body_timeout_s)
        except (TimeoutError, BodyTimeout):
            log.info("closed a connection: the request body did not arrive in time")
            return _closing(*json_reply(408, {"error": "request body timed out"}))
        if raw is None:
            return _closing(*self.http.handle(method, path, "", {}, None))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope.get("query_string", b"").decode("latin-1")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor(), self.http.handle, method, path, query, headers, raw
        )

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:  # made on first use: never before the worker's fork
            self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="bolt")
        return self._pool


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when it is larger than MAX_BODY_BYTES."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise BodyTimeout
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _closing(status: int, headers: list[tuple[str, str]], body: bytes) -> Reply:
    """A reply after which the server closes the connection (the body was not all read)."""
    return status, [*headers, ("Connection", "close")], body


def _raw(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


def create_asgi(settings: Settings | None = None) -> SlackAsgi:
    """The gunicorn factory (the Procfile's `web:`): the same app, core and store as WSGI."""
    from bot.slack.http import create_wsgi

    return SlackAsgi(create_wsgi(settings))


__all__ = ["HEALTH_PATH", "SlackAsgi", "create_asgi", "timeout_from_env"]
