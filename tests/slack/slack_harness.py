"""Running the Slack app in a real HTTP server, and sending it signed Slack requests."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

from bot.bootstrap import build_core, build_store
from bot.core.ports import Answerer, ConversationCore
from bot.settings import Settings
from bot.slack.http import wsgi_app
from bot.store.base import Store

SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-1111-2222-testtoken"
REPO = Path(__file__).resolve().parents[2]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class AppServer:
    """A WSGI app served on 127.0.0.1 on a free port, in a background thread."""

    def __init__(self, wsgi: Any) -> None:
        self._server = make_server(
            "127.0.0.1", 0, wsgi, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> AppServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Response:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    """Sends requests the way Slack does: signed with the signing secret."""

    def __init__(self, base_url: str, secret: str = SECRET) -> None:
        self.url = base_url + "/slack/events"
        self.base_url = base_url
        self.verifier = SignatureVerifier(secret)

    def event(self, payload: dict[str, Any], retry_num: int | None = None) -> Response:
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.send(json.dumps(payload), "application/json", headers if retry_num else None)

    def command(self, fields: dict[str, str]) -> Response:
        return self.send(urlencode(fields), "application/x-www-form-urlencoded")

    def interaction(self, payload: dict[str, Any]) -> Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self.send(body, "application/x-www-form-urlencoded")

    def send(
        self,
        body: str,
        content_type: str,
        extra_headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature
            or self.verifier.generate_signature(timestamp=ts, body=body),
            **(extra_headers or {}),
        }
        request = urllib.request.Request(
            self.url, data=body.encode(), headers=headers, method="POST"
        )
        return _open(request)

    def get(self, path: str) -> Response:
        return _open(urllib.request.Request(self.base_url + path, method="GET"))


def _open(request: urllib.request.Request) -> Response:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Response(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read().decode())


@dataclass
class Running:
    """The app under test: how to reach it, and the core and store behind it."""

    sender: SlackSender
    core: ConversationCore
    store: Store
    app: App


def make_core(settings: Settings, answerer: Answerer) -> tuple[ConversationCore, Store]:
    """The real core over a real SQLite store in the test's folder."""
    store = build_store(settings)
    return build_core(settings, store=store, answerer=answerer), store


def settle(app: App) -> None:
    """Wait until every acknowledged request has finished its work (no new ones after)."""
    app.listener_runner.listener_executor.shutdown(wait=True)


def serve(settings: Settings, core: Any, store: Any) -> AppServer:
    """The app over a given (fake) core, for failure-path tests."""
    return AppServer(wsgi_app(settings, core, store))
