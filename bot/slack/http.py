"""HTTP mode's routes: POST /slack/events through Bolt, GET /healthz, 404 elsewhere.

`SlackHttp.handle` takes a request whose body is already read; the production
server (bot/slack/asgi.py under gunicorn's uvicorn workers, the Procfile's `web:`)
reads bodies on an event loop with timeouts and runs `handle` on a bounded
thread pool. `SlackWsgi` is the same routes as WSGI (the tests' threaded server).
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
_STAMP_DIGITS = 12  # seconds since 1970 for the next 30,000 years

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
Reply = tuple[int, list[tuple[str, str]], bytes]


class SlackHttp:
    """The routes, whatever the server: health, signature check, shape check, Bolt dispatch."""

    def __init__(self, app: App, signing_secret: str) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], raw: bytes | None
    ) -> Reply:
        """One request's reply; `raw` is None when the body was too large or unreadable."""
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return json_reply(200, {"ok": True})
        if path != EVENTS_PATH:
            return json_reply(404, {"error": "not found"})
        if method != "POST":
            return json_reply(405, {"error": "use POST"})
        if raw is None:
            return json_reply(413, {"error": "body too large or unreadable"})
        return self._events(query, headers, raw)

    def _events(self, query: str, headers: dict[str, str], raw: bytes) -> Reply:
        refusal = _unsigned(self.verifier, raw, headers)
        if refusal is not None:
            return refusal
        try:
            request = BoltRequest(body=raw.decode("utf-8"), query=query, headers=_multi(headers))
            problem = shape_problem(request.body)
        except Exception:  # Bolt reads the payload's fields while parsing: any error is bad input
            problem = "the payload cannot be parsed"
        if problem is not None:
            log.info("refused a malformed payload: %s", problem)
            return json_reply(400, {"error": "malformed payload"})
        try:
            response = self.app.dispatch(request)
        except Exception:
            log.exception("dispatch failed")
            return json_reply(500, {"error": "internal error"})
        out_headers = [(k, v) for k, values in response.headers.items() for v in values]
        return response.status, out_headers, (response.body or "").encode("utf-8")


def _unsigned(verifier: SignatureVerifier, raw: bytes, headers: dict[str, str]) -> Reply | None:
    """A refusal (one log line) for a bad timestamp, a non-UTF-8 body or a bad signature."""
    stamp = headers.get("x-slack-request-timestamp", "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= _STAMP_DIGITS):
        log.info("refused a request: X-Slack-Request-Timestamp is not a whole number")
        return json_reply(401, {"error": "invalid signature"})
    try:
        raw.decode("utf-8")  # the verifier decodes it and would raise
    except UnicodeDecodeError:
        log.info("refused a request: the body is not UTF-8")
        return json_reply(400, {"error": "malformed payload"})
    return (
        None
        if verifier.is_valid_request(raw, headers)
        else json_reply(401, {"error": "invalid signature"})
    )


class SlackWsgi(SlackHttp):
    """A small WSGI front: reads the body, then `handle`."""

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        raw = _read_body(environ) if path == EVENTS_PATH and method == "POST" else b""
        query = environ.get("QUERY_STRING", "")
        status, headers, body = self.handle(method, path, query, _headers(environ), raw)
        start_response(_status_line(status), headers)
        return [body]


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


def json_reply(status: int, payload: dict[str, Any]) -> Reply:
    return status, [("Content-Type", "application/json")], json.dumps(payload).encode()


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
