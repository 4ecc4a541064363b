"""`advisor socket`: the Slack app over Socket Mode (a websocket; no public URL needed)."""

from __future__ import annotations

import argparse
import sys

from bot.cli import UsageError
from bot.settings import Settings

HELP = "run the Slack app over Socket Mode (needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: everything comes from the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Connect to Slack and handle events until stopped."""
    if not settings.slack_socket_ready or settings.slack_app_token is None:
        raise UsageError(
            "set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (xapp-..., with connections:write) "
            "to use Socket Mode (see docs/slack-setup.md)"
        )
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.bootstrap import build_core, build_store
    from bot.logs import configure_logging
    from bot.slack.app import build_app
    from bot.slack.redelivery import Redeliverer
    from bot.store.sql import StoreUnavailable

    configure_logging(settings)
    try:
        store = build_store(settings)
    except StoreUnavailable as exc:
        raise UsageError(str(exc)) from exc
    core = build_core(settings, store=store)
    app = build_app(settings, core, store, socket_mode=True)
    redeliverer = Redeliverer(app, store, after_s=settings.redeliver_after_s).start()
    print("Advisor: connecting to Slack over Socket Mode (Ctrl-C to stop)", file=sys.stderr)
    try:
        SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
    finally:
        redeliverer.stop()
        store.close()
    return 0
