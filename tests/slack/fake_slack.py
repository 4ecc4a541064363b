"""A fake Slack Web API on 127.0.0.1 that records every call and answers like Slack.

It also serves response_url hooks (POST /hooks/...), and can be told to fail:
`fail_next(2, status=429, retry_after=0)` or `fail_next(1, status=500)`, to answer a
method with a Slack error (`reply_error`), or never to answer it (`hang`).
`users.info` names the people added with `add_user`; any other id is user_not_found.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER_ID = "UADVISOR"
BOT_ID = "BADVISOR"
HOOK_METHOD = "response_url"


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.perf_counter)  # when it arrived

    def blocks(self) -> list[dict[str, Any]]:
        raw = self.params.get("blocks") or []
        return json.loads(raw) if isinstance(raw, str) else list(raw)

    def block_text(self) -> str:
        """Every text in the blocks, joined: what a person would read."""
        return json.dumps(self.blocks(), ensure_ascii=False)

    def streamed(self) -> str:
        """The markdown a chat.startStream/appendStream/stopStream call added to its message."""
        chunks = self.params.get("chunks") or []
        chunks = json.loads(chunks) if isinstance(chunks, str) else chunks
        texts = [c.get("text", "") for c in chunks if c.get("type") == "markdown_text"]
        return str(self.params.get("markdown_text") or "") + "".join(texts)

    def action_ids(self) -> list[str]:
        return [
            element.get("action_id", "")
            for block in self.blocks()
            if block.get("type") == "actions"
            for element in block.get("elements", [])
        ]


@dataclass
class Failure:
    status: int
    retry_after: int | None = None
    method: str | None = None  # only calls to this method fail


class FakeSlack:
    """Start with `with FakeSlack() as slack:`; `slack.api_url` is the Web API base URL."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failed: list[Call] = []  # calls answered with a scripted failure
        self.failures: list[Failure] = []
        self.errors: dict[str, str] = {}  # method -> Slack error code (ok: false)
        self.threads: dict[tuple[str, str], list[dict[str, Any]]] = {}  # scripted replies
        self.page_size = 200  # at most this many messages per conversations.replies page
        self.rate_limited_from: int | None = None  # replies pages from here on answer 429
        self.users: dict[str, dict[str, Any]] = {}  # users.info answers, by user id
        self.hung: set[str] = set()  # methods that never answer (until the fake closes)
        self._closing = threading.Event()
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def hook_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/hooks/{name}"

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    # --- scripting ----------------------------------------------------------------

    def fail_next(
        self, count: int, status: int, retry_after: int | None = None, method: str | None = None
    ) -> None:
        """The next `count` calls (to `method`, if given) answer with this HTTP status."""
        with self._cond:
            self.failures += [Failure(status, retry_after, method) for _ in range(count)]

    def reply_error(self, method: str, error: str) -> None:
        """Calls to `method` answer `{"ok": false, "error": error}` from now on."""
        self.errors[method] = error

    def hang(self, method: str) -> None:
        """Calls to `method` are recorded, then never answered (the client's timeout ends them)."""
        self.hung.add(method)

    def add_user(
        self, user_id: str, display_name: str = "", real_name: str = "", name: str = ""
    ) -> None:
        """users.info answers for `user_id` with these names (as Slack: empty when unset)."""
        with self._cond:
            self.users[user_id] = {
                "id": user_id,
                "name": name or user_id.lower(),
                "real_name": real_name,
                "profile": {"display_name": display_name, "real_name": real_name},
            }

    def add_thread(
        self,
        channel: str,
        thread_ts: str,
        messages: list[dict[str, Any]],
        page_size: int = 200,
        rate_limited_from: int | None = None,
    ) -> None:
        """conversations.replies serves these messages for the thread (then Advisor's posts),
        `page_size` to a page, with a `next_cursor` to each following page, as Slack pages.
        Pages from the `rate_limited_from`-th message on answer 429 (Retry-After: 60)."""
        with self._cond:
            self.threads[(channel, thread_ts)] = list(messages)
            self.page_size = page_size
            self.rate_limited_from = rate_limited_from

    def add_said(self, channel: str, thread_ts: str, said: list[tuple[str, str]]) -> None:
        """A thread of (user, text) messages, the first at `thread_ts`, one microsecond apart."""
        seconds, _, micros = thread_ts.partition(".")
        start = int(micros or 0)
        self.add_thread(
            channel,
            thread_ts,
            [
                {"type": "message", "user": user, "text": text, "ts": f"{seconds}.{start + n:06d}"}
                for n, (user, text) in enumerate(said)
            ],
        )

    # --- reading ------------------------------------------------------------------

    def posted(self) -> list[Call]:
        """Every call but auth.test (Bolt's own look-up of the bot's identity)."""
        with self._cond:
            return [c for c in self.calls if c.method != "auth.test"]

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self, predicate: Callable[[list[Call]], bool], timeout: float = 10.0, what: str = "calls"
    ) -> list[Call]:
        """Wait until the recorded calls satisfy `predicate` (bounded); returns them."""
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(list(self.calls)), timeout=timeout):
                seen = [(c.method, c.params.get("text", "")[:60]) for c in self.calls]
                raise AssertionError(f"timed out waiting for {what}; calls: {seen}")
            return list(self.calls)

    def wait_for_method(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until `method` was called at least `count` times; returns those calls."""
        self.wait_for(
            lambda calls: sum(c.method == method for c in calls) >= count, timeout, method
        )
        return self.calls_to(method)

    # --- serving ------------------------------------------------------------------

    def _record(self, call: Call) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        with self._cond:
            failure = self._take_failure(call.method)
            if failure is None and self._rate_limited(call):
                failure = Failure(429, retry_after=60)
            (self.calls if failure is None else self.failed).append(call)
            self._cond.notify_all()
        if failure is not None:
            headers = (
                {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            )
            return (
                failure.status,
                headers,
                {"ok": False, "error": "ratelimited" if failure.status == 429 else "fatal_error"},
            )
        if call.method in self.hung:
            self._closing.wait(timeout=60)
        if call.method == HOOK_METHOD:
            return 200, {}, "ok"
        if call.method in self.errors:
            return 200, {}, {"ok": False, "error": self.errors[call.method]}
        return 200, {}, self._answer(call)

    def _rate_limited(self, call: Call) -> bool:
        """A scripted thread's page at or past `rate_limited_from`."""
        if call.method != "conversations.replies" or self.rate_limited_from is None:
            return False
        start = int(str(call.params.get("cursor") or "page:0").removeprefix("page:") or 0)
        return start >= self.rate_limited_from

    def _take_failure(self, method: str) -> Failure | None:
        for index, failure in enumerate(self.failures):
            if failure.method in (None, method):
                return self.failures.pop(index)
        return None

    def _answer(self, call: Call) -> dict[str, Any]:
        p = call.params
        if call.method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "team_id": "T1",
                "user": "advisor",
            }
        if call.method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": p.get("channel"),
                "ts": ts,
                "message": {"text": p.get("text"), "ts": ts},
            }
        if call.method == "chat.startStream":  # a streamed message: recorded like a post
            ts = f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": p.get("channel"), "ts": ts}
        if call.method in ("chat.appendStream", "chat.stopStream"):
            return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts")}
        if call.method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if call.method in ("views.open", "views.publish", "views.update"):
            return {"ok": True, "view": {"id": "V123", "hash": "h1"}}
        if call.method == "conversations.replies":
            return self._replies_page(p)
        if call.method == "users.info":
            user = self.users.get(str(p.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        return {"ok": True}

    def _replies_page(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of a thread: `limit` messages (the fake's page size at most) from `cursor`."""
        scripted = self.threads.get((str(params.get("channel")), str(params.get("ts"))))
        messages = [*(scripted or []), *self._thread_messages(params)]
        if scripted is None:
            return {"ok": True, "messages": messages, "has_more": False}
        cursor = str(params.get("cursor") or "")
        if cursor and not cursor.startswith("page:"):
            return {"ok": False, "error": "invalid_cursor"}
        start = int(cursor.removeprefix("page:") or 0)
        size = min(int(params.get("limit") or 1000), self.page_size)
        end = start + size
        more = end < len(messages)
        return {
            "ok": True,
            "messages": messages[start:end],
            "has_more": more,
            "response_metadata": {"next_cursor": f"page:{end}" if more else ""},
        }

    def _thread_messages(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The bot's own messages in a thread, as conversations.replies lists them."""
        channel, ts = params.get("channel"), params.get("ts")
        with self._cond:
            return [
                {
                    "type": "message",
                    "user": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "text": c.params.get("text"),
                }
                for c in self.calls
                if c.method == "chat.postMessage"
                and c.params.get("channel") == channel
                and c.params.get("thread_ts") == ts
            ]


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # the Web API client sends some methods as GET
            path, _, query = self.path.partition("?")
            if not path.startswith("/api/"):
                self._send(404, {}, {"ok": False, "error": "unknown_path"})
                return
            call = Call(path[len("/api/") :], dict(parse_qsl(query)), dict(self.headers))
            self._send(*fake._record(call))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8")
            if self.path.startswith("/api/"):
                method = self.path[len("/api/") :].split("?")[0]
            elif self.path.startswith("/hooks/"):
                method = HOOK_METHOD
            else:
                self._send(404, {}, {"ok": False, "error": "unknown_path"})
                return
            call = Call(
                method, _params(raw, self.headers.get("Content-Type", "")), dict(self.headers)
            )
            self._send(*fake._record(call))

        def _send(self, status: int, headers: dict[str, str], body: dict[str, Any] | str) -> None:
            try:
                self._write(status, headers, body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a hung method's timeout)

        def _write(self, status: int, headers: dict[str, str], body: dict[str, Any] | str) -> None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(status)
            self.send_header(
                "Content-Type", "application/json" if not isinstance(body, str) else "text/plain"
            )
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler


def _params(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        parsed = json.loads(raw)
        return parsed if isinstance(parsed, dict) else {"_": parsed}
    return dict(parse_qsl(raw, keep_blank_values=True))
