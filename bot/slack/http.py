"""The WSGI app for HTTP mode: POST /slack/events through Bolt, GET /healthz, 404 elsewhere.

Run it under gunicorn (the Procfile's `web:`):

    gunicorn 'bot.slack.http:create_wsgi()' --bind 0.0.0.0:$PORT --workers 2 \
        --worker-class gthread --threads 4

Each worker builds its own app, core and store after the fork (no preload),
so database pools and thread pools never cross a fork.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.settings import Settings
from bot.slack.shape import shape_problem

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20  # Slack's payloads are far smaller; anything bigger is refused

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


class SlackWsgi:
    """A small WSGI router in front of `App.dispatch`."""

    def __init__(self, app: App, signing_secret: str) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _reply(start_response, 200, {"ok": True})
        if path != EVENTS_PATH:
            return _reply(start_response, 404, {"error": "not found"})
        if method != "POST":
            return _reply(start_response, 405, {"error": "use POST"})
        status, headers, body = self._events(environ)
        start_response(_status_line(status), headers)
        return [body]

    def _events(self, environ: Environ) -> tuple[int, list[tuple[str, str]], bytes]:
        raw = _read_body(environ)
        if raw is None:
            return _json(413, {"error": "body too large or unreadable"})
        headers = _headers(environ)
        if not self.verifier.is_valid_request(raw, headers):
            return _json(401, {"error": "invalid signature"})  # nothing runs
        try:
            request = BoltRequest(
                body=raw.decode("utf-8"),
                query=environ.get("QUERY_STRING", ""),
                headers=_multi(headers),
            )
            problem = shape_problem(request.body)
        except Exception:  # Bolt reads the payload's fields while parsing: any error is bad input
            problem = "the payload cannot be parsed"
        if problem is not None:
            log.info("refused a malformed payload: %s", problem)
            return _json(400, {"error": "malformed payload"})
        try:
            response = self.app.dispatch(request)
        except Exception:
            log.exception("dispatch failed")
            return _json(500, {"error": "internal error"})
        out_headers = [(k, v) for k, values in response.headers.items() for v in values]
        return response.status, out_headers, (response.body or "").encode("utf-8")


def _read_body(environ: Environ) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length < 0 or length > MAX_BODY_BYTES:
        return None
    stream = environ.get("wsgi.input")
    return stream.read(length) if stream is not None and length else b""


def _headers(environ: Environ) -> dict[str, str]:
    headers = {
        key[5:].lower().replace("_", "-"): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return headers


def _multi(headers: dict[str, str]) -> dict[str, str | Sequence[str]]:
    return dict(headers)


def _json(status: int, payload: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "application/json")], json.dumps(payload).encode()


def _reply(start_response: StartResponse, status: int, payload: dict[str, Any]) -> list[bytes]:
    code, headers, body = _json(status, payload)
    start_response(_status_line(code), headers)
    return [body]


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
_REASONS |= {405: "Method Not Allowed", 413: "Payload Too Large", 500: "Internal Server Error"}


def _status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Status')}"


def wsgi_app(settings: Settings, core: Any, store: Any, client: Any = None) -> SlackWsgi:
    """The WSGI app over a given core and store (tests pass their own, and a client)."""
    from bot.slack.app import SlackConfigError, build_app

    app = build_app(settings, core, store, client=client)
    if settings.slack_signing_secret is None:  # build_app refuses this too
        raise SlackConfigError("SLACK_SIGNING_SECRET is not set")
    return SlackWsgi(app, settings.slack_signing_secret.get_secret_value())


def serve_forever(wsgi: SlackWsgi, host: str, port: int) -> None:
    """A threaded wsgiref server: for development where gunicorn is not available."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIServer, make_server

    class ThreadingServer(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    with make_server(host, port, wsgi, server_class=ThreadingServer) as server:
        server.serve_forever()


def create_wsgi(settings: Settings | None = None) -> SlackWsgi:
    """The gunicorn factory: settings, logging, core and store, then the app."""
    from bot.bootstrap import build_core, build_store
    from bot.logs import configure_logging
    from bot.slack.redelivery import Redeliverer

    settings = settings or Settings()
    configure_logging(settings)
    store = build_store(settings)
    core = build_core(settings, store=store)
    wsgi = wsgi_app(settings, core, store)
    Redeliverer(wsgi.app, store, after_s=settings.redeliver_after_s).start()
    return wsgi
