"""`advisor serve`: the Slack app in HTTP mode, under gunicorn.

gunicorn is the production server: pre-forked worker processes (one crash or
SIGKILL costs one worker, not the service), graceful restarts, request
timeouts. Each worker (bot/slack/worker.py) reads requests on an event loop with
header and body deadlines, so idle or slow clients cannot hold its threads, and
runs Bolt on a few threads so a slow request never blocks the 3-second
acknowledgements of others. Each worker builds its own app, core and store
after the fork. Without gunicorn (e.g. on Windows) one uvicorn process
serves the same app instead.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import Any

from bot.cli import UsageError
from bot.settings import Settings

HELP = "run the Slack app over HTTP: POST /slack/events, GET /healthz (default port $PORT or 3000)"
THREADS = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--port, --host, --workers, --threads."""
    parser.add_argument("--port", type=int, help="port to listen on (default: $PORT, else 3000)")
    parser.add_argument("--host", default="0.0.0.0", help="interface to bind (default 0.0.0.0)")
    parser.add_argument(
        "--workers",
        type=int,
        help="worker processes (default: 2 with DATABASE_URL, else 1: SQLite suits one writer)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=THREADS,
        help=f"threads running Bolt per worker (default {THREADS})",
    )


def options(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """The gunicorn settings for these arguments; UsageError for impossible values."""
    if not settings.slack_http_ready:
        raise UsageError(
            "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to serve Slack over HTTP "
            "(see docs/slack-setup.md)"
        )
    port = settings.port if args.port is None else args.port
    if not 1 <= port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    workers = args.workers if args.workers is not None else (2 if settings.database_url else 1)
    if workers < 1 or args.threads < 1:
        raise UsageError("--workers and --threads must be at least 1")
    return {
        "bind": f"{args.host}:{port}",
        "workers": workers,
        "worker_class": "bot.slack.worker.AdvisorWorker",
        "threads": args.threads,
        "timeout": 30,
        "graceful_timeout": 20,
        "proc_name": "advisor",
    }


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until stopped (Ctrl-C or SIGTERM)."""
    config = options(args, settings)
    from bot.logs import configure_logging

    configure_logging(settings)
    if importlib.util.find_spec("gunicorn") is None:
        return _serve_uvicorn(config, settings)
    from bot.slack.gunicorn import GunicornServer

    print(
        f"Advisor: Slack app on http://{config['bind']}/slack/events "
        f"({config['workers']} worker(s) x {config['threads']} threads)",
        file=sys.stderr,
    )
    GunicornServer(config, settings).run()
    return 0


def _serve_uvicorn(config: dict[str, Any], settings: Settings) -> int:
    """One uvicorn process with the same app, protocol and timeouts as a gunicorn worker."""
    import uvicorn

    from bot.slack.asgi import HEADER_TIMEOUT_ENV, create_asgi, timeout_from_env
    from bot.slack.protocol import HeaderDeadlineProtocol

    HeaderDeadlineProtocol.header_timeout_s = timeout_from_env(HEADER_TIMEOUT_ENV)
    host, _, port = str(config["bind"]).rpartition(":")
    app = create_asgi(settings)
    app.configure(int(config["threads"]))
    print("gunicorn is not installed: serving with one uvicorn process", file=sys.stderr)
    uvicorn.run(
        app,
        host=host,
        port=int(port),
        http=HeaderDeadlineProtocol,
        lifespan="off",
        server_header=False,
        timeout_keep_alive=2,
        log_config=None,
    )
    return 0
