"""`advisor` with no command: the Slack app when Slack is configured, else the terminal chat.

- SLACK_BOT_TOKEN and SLACK_APP_TOKEN set: Socket Mode (`advisor socket`). The app
  token is only ever created for Socket Mode, and it needs no public URL.
- SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set: HTTP mode (`advisor serve`).
- Otherwise: the terminal chat (`advisor chat`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Literal

from bot.settings import Settings

HELP = "start Advisor: the Slack app when SLACK_* tokens are set, else the terminal chat"

Mode = Literal["socket", "http", "chat"]
_MODULES: dict[Mode, str] = {"socket": "socket_mode", "http": "serve", "chat": "chat"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: `advisor serve`, `advisor socket` and `advisor chat` take them."""


def mode(settings: Settings) -> Mode:
    """Which front end the settings call for."""
    if settings.slack_socket_ready:
        return "socket"
    if settings.slack_http_ready:
        return "http"
    return "chat"


def partial_slack_note(settings: Settings) -> str | None:
    """A hint when some Slack settings are set but not enough to start the app."""
    if mode(settings) != "chat":
        return None
    slack = (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
    if all(value is None for value in slack):
        return None
    return (
        "Slack is only partly configured (HTTP mode needs SLACK_BOT_TOKEN and "
        "SLACK_SIGNING_SECRET; Socket Mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN): "
        "starting the terminal chat."
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the front end the settings call for, with its default options."""
    chosen = mode(settings)
    note = partial_slack_note(settings)
    if note:
        print(note, file=sys.stderr)
    module = importlib.import_module(f"bot.cli.{_MODULES[chosen]}")
    parser = argparse.ArgumentParser(prog=f"advisor {chosen}")
    module.add_arguments(parser)
    return int(module.run(parser.parse_args([]), settings))
