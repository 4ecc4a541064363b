"""A fake OpenAI-compatible server on 127.0.0.1: POST /v1/chat/completions, scripted per test.

The real `openai` client (through langchain-openai) talks to it over HTTP. Each request
takes the next scripted step: a reply (JSON, or server-sent events when the request
asks to stream), a tool call, an HTTP error with headers, garbage, or a hang. A request
with nothing scripted gets a 500, so a test never passes on a reply it did not script.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Step = Callable[["_Handler", dict[str, Any]], None]


class FakeOpenAI:
    """The server's script and what it was sent."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._script: deque[Step] = deque()
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # ends hangs and held streams at teardown
        self.url = ""

    # -- scripting -----------------------------------------------------------------------

    def then(self, *steps: Step) -> FakeOpenAI:
        """Queue steps; each request takes the next one."""
        with self._lock:
            self._script.extend(steps)
        return self

    def next_step(self) -> Step | None:
        with self._lock:
            return self._script.popleft() if self._script else None

    @property
    def calls(self) -> int:
        return len(self.requests)


def reply(text: str, *, pieces: int = 4) -> Step:
    """The assistant answers `text` (streamed in about `pieces` chunks when asked to stream)."""

    def step(handler: _Handler, request: dict[str, Any]) -> None:
        if request.get("stream"):
            handler.send_sse(split(text, pieces))
        else:
            handler.send_json(200, completion({"role": "assistant", "content": text}, "stop"))

    return step


def held_stream(first: list[str], rest: list[str], gate: threading.Event) -> Step:
    """Streams `first`, waits until `gate` is set (at most 10 s), then streams `rest`."""

    def step(handler: _Handler, request: dict[str, Any]) -> None:
        handler.send_sse(first, finish=False)
        gate.wait(10)
        handler.send_sse(rest, start=False)

    return step


def tool_call(name: str, arguments: dict[str, Any] | str) -> Step:
    """The assistant calls a tool (arguments as JSON, or a raw string to send broken JSON)."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}

    def step(handler: _Handler, request: dict[str, Any]) -> None:
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        handler.send_json(200, completion(message, "tool_calls"))

    return step


def status(code: int, headers: dict[str, str] | None = None) -> Step:
    """An HTTP error with an OpenAI-shaped error body (e.g. 429 with Retry-After)."""
    body = {"error": {"message": f"scripted {code}", "type": "server_error", "code": None}}

    def step(handler: _Handler, request: dict[str, Any]) -> None:
        handler.send_json(code, body, headers or {})

    return step


def garbage(body: bytes = b"<html>502 Bad Gateway</html>\x00\xff") -> Step:
    """A 200 whose body is not a chat completion."""

    def step(handler: _Handler, request: dict[str, Any]) -> None:
        handler.send_raw(200, body, "application/json")

    return step


def hang(seconds: float) -> Step:
    """No answer for `seconds` (or until the server stops), then a normal-looking reply."""

    def step(handler: _Handler, request: dict[str, Any]) -> None:
        handler.server_fake.stopping.wait(seconds)
        handler.send_json(200, completion({"role": "assistant", "content": "late"}, "stop"))

    return step


def completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def split(text: str, pieces: int) -> list[str]:
    """`text` in about `pieces` consecutive parts (joined, they are the text again)."""
    size = max(1, -(-len(text) // max(1, pieces)))
    return [text[i : i + size] for i in range(0, len(text), size)]


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeOpenAI

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        self.server_fake.requests.append(request)
        step = self.server_fake.next_step()
        if not self.path.endswith("/chat/completions") or step is None:
            self.send_json(500, {"error": {"message": f"nothing scripted for {self.path}"}})
            return
        step(self, request)

    def send_json(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.send_raw(code, json.dumps(body).encode(), "application/json", headers)

    def send_raw(
        self, code: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_sse(self, parts: list[str], *, start: bool = True, finish: bool = True) -> None:
        """Server-sent events: one chunk per part, then a stop chunk and [DONE]."""
        if start:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()  # no length: the body ends when the connection closes
        for part in parts:
            self._event({"role": "assistant", "content": part}, None)
        if finish:
            self._event({}, "stop")
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    def _event(self, delta: dict[str, Any], finish: str | None) -> None:
        chunk = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet test output


@contextmanager
def running_fake_openai() -> Iterator[FakeOpenAI]:
    """A FakeOpenAI listening on 127.0.0.1 (a free port) until the block ends."""
    fake = FakeOpenAI()
    handler = type("Handler", (_Handler,), {"server_fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, name="fake-openai", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stopping.set()
        server.shutdown()
        server.server_close()
